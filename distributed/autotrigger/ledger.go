package autotrigger

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// Ledger is the idempotency ledger of the CD triggers: one key per trigger
// ID, written once, when the trigger's effect happens (production: the
// workflow runner is created). JetStream delivers at least once (a replica
// that dies before its ack, an ack that is lost, an AckWait that passes);
// the ledger is what turns the second delivery of a trigger into a no-op.
//
// Rejected designs, for the record:
//   - Put instead of Create: last writer wins, so two deliveries both
//     "succeed" and both take effect.
//   - Get, then Put if absent: two deliveries can both find nothing before
//     either writes. Done is that Get; it saves work, it is not the guard.
//   - A map in the replica: each replica has its own, and a crash empties it.
//   - Trusting the redelivered flag (NumDelivered > 1): a redelivery does not
//     say whether the first delivery's effect happened.
type Ledger struct {
	kv jetstream.KeyValue
}

// CreateLedger creates the ledger's key-value bucket: one revision per key
// (a trigger's entry is written once and never changes), on file, with
// replicas copies.
func CreateLedger(ctx context.Context, js jetstream.JetStream, bucket string, replicas int) (*Ledger, error) {
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:   bucket,
		History:  1,
		Storage:  jetstream.FileStorage,
		Replicas: replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("create ledger %s: %w", bucket, err)
	}
	return &Ledger{kv: kv}, nil
}

// OpenLedger opens an existing ledger (a replica opens the one the
// platform created).
func OpenLedger(ctx context.Context, js jetstream.JetStream, bucket string) (*Ledger, error) {
	kv, err := js.KeyValue(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", bucket, err)
	}
	return &Ledger{kv: kv}, nil
}

// Done reports whether the effect of trigger id is recorded: the check a
// delivery makes before any work, as production's de-dup looks for an
// existing workflow runner. A false answer is a hint, not a promise:
// another delivery may record first, and Record decides.
func (l *Ledger) Done(ctx context.Context, id string) (bool, error) {
	_, err := l.Owner(ctx, id)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// Record records the effect of trigger id for the delivery named token and
// reports whether this delivery's is the one: exactly one Record per id
// ever returns true across every replica (key-value Create: the first
// writer wins, the server decides), except that the same token gets true
// again, so a delivery that retries after a lost reply knows its own write.
//
// Call Record at the moment the effect happens, not after the whole
// trigger: a delivery that dies between the effect and its ack must leave
// the effect recorded, so its redelivery skips it.
func (l *Ledger) Record(ctx context.Context, id, token string) (first bool, err error) {
	err = retry(ctx, "record "+id, func(ctx context.Context) error {
		_, err := l.kv.Create(ctx, id, []byte(token))
		return err
	})
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return false, err
	}
	owner, err := l.Owner(ctx, id)
	if err != nil {
		return false, err
	}
	return owner == token, nil
}

// Owner returns the token of the delivery whose effect is recorded for id,
// or an error wrapping jetstream.ErrKeyNotFound when there is none.
func (l *Ledger) Owner(ctx context.Context, id string) (string, error) {
	var e jetstream.KeyValueEntry
	err := retry(ctx, "read "+id, func(ctx context.Context) (err error) {
		e, err = l.kv.Get(ctx, id)
		return err
	})
	if err != nil {
		return "", err
	}
	return string(e.Value()), nil
}

// Keys returns the IDs whose effect is recorded, for an audit: every
// trigger of a run should be here, once.
func (l *Ledger) Keys(ctx context.Context) ([]string, error) {
	keys, err := l.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	defer keys.Stop()
	var out []string
	for k := range keys.Keys() { // closed when the listing ends or ctx is done
		out = append(out, k)
	}
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("list ledger: %w", context.Cause(ctx))
	}
	return out, nil
}
