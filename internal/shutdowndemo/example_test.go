package shutdowndemo

import (
	"context"
	"fmt"
	"time"
)

// Slide 23's leak: the loop renews on after the job has ended.
func ExampleRunWithLeakyLease() {
	renewed := make(chan struct{})
	stop := make(chan struct{}) // the demo's way out; production has none
	renew := func(context.Context) {
		select {
		case renewed <- struct{}{}:
		case <-stop:
		}
	}
	job := func(ctx context.Context) error {
		<-renewed
		return nil
	}
	err := RunWithLeakyLease(context.Background(), time.Millisecond, renew, job, stop)
	fmt.Println("job:", err)
	<-renewed
	fmt.Println("renewed after the job: leaked")
	close(stop)
	// Output:
	// job: <nil>
	// renewed after the job: leaked
}
