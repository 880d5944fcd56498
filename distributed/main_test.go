package main

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/natsd"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/replica"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"
)

// envMain makes this test binary the command itself, for the tests that
// signal or kill a real process.
const envMain = "GCE_DISTRIBUTED_TEST_MAIN"

// TestMain is also how this test binary becomes a replica: the command
// starts its replicas as copies of os.Executable(), which under test is
// this binary, marked by wire.EnvReplica.
func TestMain(m *testing.M) {
	if cfg, ok := os.LookupEnv(wire.EnvReplica); ok {
		os.Exit(replica.Main(cfg, os.Stdin, os.Stderr))
	}
	if cfg, ok := os.LookupEnv(natsd.EnvServer); ok {
		os.Exit(natsd.ServerMain(cfg, os.Stdin, os.Stdout, os.Stderr))
	}
	if os.Getenv(envMain) == "1" {
		main()
		return
	}
	goleak.VerifyTestMain(m)
}
