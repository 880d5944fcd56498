# Everything here is plain `go`: the README's two commands need no make.
BIN         := bin/go-concurrency-examples
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PATTERNS    := workerpool fanout ratelimit shutdown sse hibernation

.PHONY: help demo build test bench lint ci $(PATTERNS)

help: ## list the targets
	@grep -E '^[a-z$$(). ]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14
	@echo "workerpool ... hibernation  run one pattern (ARGS='--items 500' to pass flags)"

demo: ## run every pattern, then the slide-24 table
	go run ./cmd/demo $(ARGS)

build: ## build $(BIN)
	go build -o $(BIN) ./cmd/demo

test: ## the README's test command
	go test -race ./...

bench: ## benchmarks of the bounded shapes (ns per item, skewed workload)
	go test -run '^$$' -bench . -benchmem ./...

lint: ## gofmt check, go vet, staticcheck (pinned)
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo 'run gofmt -w .'; exit 1; }
	go vet ./...
	go run $(STATICCHECK) ./...

ci: ## what CI runs
	bash .ci/run

$(PATTERNS):
	go run ./cmd/demo $@ $(ARGS)
