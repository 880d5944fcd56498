# Everything here is plain `go`: the README's two commands need no make.
BIN         := bin/go-concurrency-examples
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PATTERNS    := workerpool fanout ratelimit shutdown sse hibernation pitfalls

# The patterns share their names with folders: without .PHONY, make would
# find the folder up to date and run nothing.
.PHONY: help demo build test bench lint ci leaks trace distributed $(PATTERNS)

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sed 's#BIN#$(BIN)#' | expand -t 14
	@echo "$(PATTERNS)" | sed 's/ /, /g; s/$$/: run one pattern (ARGS="--items 500" passes flags)/'

demo: build ## build, then run every pattern and the slide-24 table
	./$(BIN) $(ARGS)

build: ## build BIN once, so nothing compiles on stage
	@echo "building $(BIN) ..."
	@go build -o $(BIN) ./cmd/demo
	@echo "built $(BIN): run ./$(BIN) -h"

test: ## the README's test command, and distributed/'s (its own module)
	go test -race ./...
	cd distributed && go test -race ./...

bench: ## the benchmarks: each shape next to errgroup.SetLimit, per item and on cancel
	go test -run '^$$' -bench . -benchmem ./...

lint: ## gofmt check, go vet, staticcheck (pinned)
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo 'run gofmt -w .'; exit 1; }
	go vet ./...
	go run $(STATICCHECK) ./...

leaks: ## the pitfalls, with the runtime's goroutine leak profile (a Go 1.26 experiment)
	GOEXPERIMENT=goroutineleakprofile go run ./cmd/demo pitfalls $(ARGS)

trace: build ## hibernation into run.trace, then: go tool trace run.trace
	./$(BIN) --trace run.trace hibernation $(ARGS)

ci: ## what CI runs
	bash .ci/run

$(PATTERNS): build
	./$(BIN) $@ $(ARGS)

distributed: ## the CD auto-trigger on NATS JetStream across replica processes (ARGS='--json')
	cd distributed && go run . $(ARGS)
