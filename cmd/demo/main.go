// Command go-concurrency-examples runs the patterns of the talk "Go
// Concurrency at Scale: Lessons from a Kubernetes Platform" against a
// simulated Kubernetes platform, and prints what each variant measured.
//
// Usage:
//
//	go-concurrency-examples [flags] [pattern ...]
//
// With no pattern it runs them all, in slide order, and ends with the
// slide-24 table. "list" names the patterns. Flags may come before or after
// the pattern names; -h lists them.
package main

import "github.com/go-concurrency-at-scale/go-concurrency-examples/internal/cli"

func main() { cli.Main() }
