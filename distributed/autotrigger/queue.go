package autotrigger

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DedupWindow is how long the stream remembers a Nats-Msg-Id: a trigger
// published again within it is dropped. Two minutes is the server's
// default; it must outlast the longest a CI event's publisher may retry.
const DedupWindow = 2 * time.Minute

// CreateQueue creates the work-queue stream the CD triggers go to, on
// subject (a wildcard such as "cd.trigger.*"), with replicas copies (1 on
// one server, 3 in a cluster).
//
// Work-queue retention deletes a message once it is acked, and lets only
// one consumer read a subject: every replica pulls from the same durable
// consumer, which is what lets the server bound them all at once (see
// GlobalBound). File storage keeps un-acked triggers across a server
// restart.
func CreateQueue(ctx context.Context, js jetstream.JetStream, name, subject string, replicas int) (jetstream.Stream, error) {
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:       name,
		Subjects:   []string{subject},
		Retention:  jetstream.WorkQueuePolicy,
		Storage:    jetstream.FileStorage,
		Replicas:   replicas,
		Duplicates: DedupWindow,
	})
	if err != nil {
		return nil, fmt.Errorf("create work queue %s: %w", name, err)
	}
	return s, nil
}

// Publish publishes ts on subject, each with its ID as the Nats-Msg-Id,
// and waits until the stream has acknowledged every one (or ctx is done).
// It returns how many the stream stored and how many it dropped as
// duplicates of a message it had already stored.
//
// The ID is what makes publishing safe to repeat: a CI event delivered
// twice (a webhook retry, a publisher that crashed after publishing but
// before it learned so) publishes the same IDs again, and the stream keeps
// the first copy of each within DedupWindow. Without it the retry would
// trigger every pipeline twice.
func Publish(ctx context.Context, js jetstream.JetStream, subject string, ts []Trigger) (stored, dropped int, err error) {
	acks := make([]jetstream.PubAckFuture, 0, len(ts))
	for _, t := range ts {
		body, err := json.Marshal(t)
		if err != nil {
			return stored, dropped, fmt.Errorf("encode trigger %s: %w", t.ID, err)
		}
		// Asynchronous: one round trip for the batch instead of one each.
		f, err := js.PublishAsync(subject, body, jetstream.WithMsgID(t.ID))
		if err != nil {
			return stored, dropped, fmt.Errorf("publish trigger %s: %w", t.ID, err)
		}
		acks = append(acks, f)
	}
	for i, f := range acks {
		select {
		case ack := <-f.Ok():
			if ack.Duplicate {
				dropped++
			} else {
				stored++
			}
		case err := <-f.Err():
			return stored, dropped, fmt.Errorf("publish trigger %s: %w", ts[i].ID, err)
		case <-ctx.Done():
			return stored, dropped, fmt.Errorf("publish: %w", context.Cause(ctx))
		}
	}
	return stored, dropped, nil
}
