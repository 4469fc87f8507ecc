package wait

import (
	"context"
	"testing"
	"time"
)

func TestBackoffDoublesUpToMax(t *testing.T) {
	b := &Backoff{First: time.Millisecond, Max: 4 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Wait returns at once; what it would have waited is what it hands on
	var got []time.Duration
	for range 5 {
		if b.Wait(ctx) {
			t.Fatal("Wait on an ended context reported a whole sleep")
		}
		got = append(got, b.next)
	}
	want := []time.Duration{2, 4, 4, 4, 4}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("next waits %v, want 2ms, 4ms, then 4ms", got)
		}
	}
	b.Reset()
	b.Wait(ctx)
	if b.next != 2*time.Millisecond {
		t.Errorf("after Reset the next wait is %v, want 2ms (first wait 1ms again)", b.next)
	}
}

func TestZeroBackoffHasDefaults(t *testing.T) {
	var b Backoff
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 20 {
		b.Wait(ctx)
	}
	if b.next != 30*time.Second {
		t.Errorf("the zero Backoff grows to %v, want 30s", b.next)
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep on an ended context reported a whole sleep")
	}
	if !Sleep(context.Background(), time.Millisecond) {
		t.Error("Sleep of 1ms did not report a whole sleep")
	}
}
