module github.com/go-concurrency-at-scale/go-concurrency-examples

go 1.26
