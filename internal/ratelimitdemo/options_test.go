package ratelimitdemo

import (
	"flag"
	"io"
	"math"
	"testing"
)

func TestOptionsBind(t *testing.T) {
	var o Options
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	o.Bind(fs)
	if err := fs.Parse(nil); err != nil || o != DefaultOptions() {
		t.Fatalf("defaults %+v (%v), want %+v", o, err, DefaultOptions())
	}
	err := fs.Parse([]string{"--max-inflight", "10", "--server-qps", "50", "--client-qps", "2.5", "--client-burst", "1"})
	want := Options{MaxInflight: 10, ServerQPS: 50, ClientQPS: 2.5, ClientBurst: 1}
	if err != nil || o != want || o.Validate() != nil {
		t.Errorf("parsed %+v (%v), want %+v, valid", o, err, want)
	}
	fs.SetOutput(io.Discard)
	if err := fs.Parse([]string{"--max-inflight", "ten"}); err == nil {
		t.Error("--max-inflight ten parsed")
	}
}

func TestOptionsValidate(t *testing.T) {
	ok := DefaultOptions()
	for _, tc := range []struct {
		change func(*Options)
		want   string
	}{
		{func(o *Options) { o.MaxInflight = 0 }, "--max-inflight must be from 1 to 100000, not 0"},
		{func(o *Options) { o.MaxInflight = 100_001 }, "--max-inflight must be from 1 to 100000, not 100001"},
		{func(o *Options) { o.ServerQPS = -1 }, "--server-qps must be 0 (no limit) or from 0.1 to 100000, not -1"},
		{func(o *Options) { o.ServerQPS = 0.01 }, "--server-qps must be 0 (no limit) or from 0.1 to 100000, not 0.01"},
		{func(o *Options) { o.ServerQPS = math.Inf(1) }, "--server-qps must be 0 (no limit) or from 0.1 to 100000, not +Inf"},
		{func(o *Options) { o.ClientQPS = 0 }, "--client-qps must be from 0.1 to 100000, not 0"},
		{func(o *Options) { o.ClientQPS = math.NaN() }, "--client-qps must be from 0.1 to 100000, not NaN"},
		{func(o *Options) { o.ClientBurst = -3 }, "--client-burst must be from 1 to 100000, not -3"},
	} {
		o := ok
		tc.change(&o)
		if err := o.Validate(); err == nil || err.Error() != tc.want {
			t.Errorf("Validate(%+v) = %v, want %q", o, err, tc.want)
		}
	}
	if err := ok.Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if got := (Options{}).withDefaults(); got != DefaultOptions() {
		t.Errorf("zero Options = %+v, want the defaults", got)
	}
}
