// Package wire is what the demo's processes say to each other over NATS:
// a replica's configuration, the events it reports to the parent, and the
// simulated database's requests. It is the demo's, not the lesson.
package wire

import (
	"encoding/json"
	"fmt"
	"time"
)

// EnvReplica marks a process as a replica: its value is the Config, as
// JSON. The parent sets it when it starts a copy of its own binary.
const EnvReplica = "GCE_DISTRIBUTED_REPLICA"

// Config is everything a replica needs to join a run.
type Config struct {
	Name     string   `json:"name"`     // "replica-1": also its NATS connection name
	URLs     []string `json:"urls"`     // the servers to connect to
	Stream   string   `json:"stream"`   // the work queue
	Consumer string   `json:"consumer"` // the durable pull consumer on it
	Bucket   string   `json:"bucket"`   // the ledger
	Limit    int      `json:"limit"`    // triggers in hand at once in this replica
	// PullWait is one pull's wait at the server; Grace how long a stopping
	// replica may finish its work before it abandons the rest.
	PullWait time.Duration `json:"pull_wait_ns"`
	Grace    time.Duration `json:"grace_ns"`
	// DBTimeout bounds one database request: the pool's acquire timeout
	// plus a margin for the round trip.
	DBTimeout time.Duration `json:"db_timeout_ns"`
	Events    string        `json:"events"` // subject the replica reports on
	DB        string        `json:"db"`     // subject of the database's requests
}

// Encode returns c as JSON for EnvReplica.
func (c Config) Encode() string {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a struct of strings, ints and durations always marshals
	}
	return string(b)
}

// DecodeConfig reads a Config written by Encode.
func DecodeConfig(s string) (Config, error) {
	var c Config
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("replica config: %w", err)
	}
	if c.Name == "" || len(c.URLs) == 0 || c.Limit < 1 {
		return c, fmt.Errorf("replica config: incomplete: %s", s)
	}
	return c, nil
}

// Event kinds a replica reports.
const (
	Ready = "ready" // connected, consumer and ledger open: about to pull
	Begin = "begin" // a delivery is in hand; its work starts
	End   = "end"   // its work ended (Outcome); the ack follows
	Nak   = "nak"   // handed back after SIGTERM, unworked
	NoAck = "noack" // an ack that was never confirmed
)

// Event is one report from a replica to the parent.
type Event struct {
	Kind     string `json:"kind"`
	Replica  string `json:"replica"`
	ID       string `json:"id,omitempty"`
	Seq      uint64 `json:"seq,omitempty"`      // consumer sequence: names this delivery
	Delivery uint64 `json:"delivery,omitempty"` // 1 for a first delivery, 2+ for redeliveries
	Outcome  string `json:"outcome,omitempty"`  // on End: effected, duplicate, failed, retry
	Err      string `json:"err,omitempty"`      // on End: why it failed
	// InHand is how many deliveries the replica holds once this Begin or
	// End is counted: the parent sums the replicas' latest, so an event
	// lost in a cluster's failover delays the count but never skews it.
	InHand int `json:"in_hand"`
}

// DBRequest asks the database for one connection, held for Hold.
type DBRequest struct {
	Replica string        `json:"replica"`
	ID      string        `json:"id"`
	Hold    time.Duration `json:"hold_ns"`
}

// DBReply answers a DBRequest: an empty Err is a connection granted.
type DBReply struct {
	Err string `json:"err,omitempty"`
}
