//go:build ignore

// Slide 30's command, as the slide has it:
//
//	go run go-concurrency-examples.go
//
// runs the whole demo, the same as go run ./cmd/demo (flags work too:
// go run go-concurrency-examples.go fanout --fail ci). The build constraint
// keeps this file out of the module's own packages.
package main

import "github.com/go-concurrency-at-scale/go-concurrency-examples/internal/cli"

func main() { cli.Main() }
