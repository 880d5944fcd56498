package autotrigger

import (
	"encoding/json"
	"fmt"
	"time"
)

// Trigger is one CD trigger: a CI build succeeded and one CD pipeline must
// run for it. It travels as JSON in the message body.
//
// ID names the trigger everywhere, which is what makes it safe to send and
// to deliver more than once: it is the message's Nats-Msg-Id (the stream
// stores a re-published trigger once) and the ledger's key (a redelivered
// trigger takes effect once). It must be a valid key-value key: letters,
// digits and "-_=.".
type Trigger struct {
	ID string `json:"id"`
	// Hold is how long the trigger keeps its database connection, and
	// Prepare the part of it before the effect: the simulated work,
	// already multiplied by the demo's --scale.
	Hold    time.Duration `json:"hold_ns"`
	Prepare time.Duration `json:"prepare_ns"`
}

// TriggerID names the trigger of CD pipeline pipeline for CI build build:
// "ci-1842-cd-007".
func TriggerID(build, pipeline int) string {
	return fmt.Sprintf("ci-%d-cd-%03d", build, pipeline)
}

// decode reads a trigger from a message body.
func decode(data []byte) (Trigger, error) {
	var t Trigger
	if err := json.Unmarshal(data, &t); err != nil {
		return t, fmt.Errorf("decode trigger: %w", err)
	}
	if t.ID == "" {
		return t, fmt.Errorf("decode trigger: no id in %q", data)
	}
	return t, nil
}
