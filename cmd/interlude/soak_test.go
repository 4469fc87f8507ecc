package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/internal/redistest"
)

var (
	soakClients  = flag.Int("soak.clients", 200, "simulated clients in TestSoak (10000 for the long run)")
	soakDuration = flag.Duration("soak.duration", 20*time.Second, "how long TestSoak's clients keep writing (10m for the long run)")
	soakRate     = flag.Float64("soak.rate", 300, "messages per second that TestSoak's clients send together, on average; each client's think time follows from it")
)

// soakClient is one simulated client of TestSoak: what it answered, to be found in Redis at the end.
type soakClient struct {
	id  int64
	rng *rand.Rand
	gap time.Duration // the mean time between two of its messages: clients / -soak.rate
	n   int           // activities begun, to make each answer unique

	checkins []map[string]string // the answers of each completed check-in, in order
	prepares []map[string]string // the answers of each completed /prepare, in order
	latency  []time.Duration     // per answered step: from the push to the expected answer
	sent     int                 // messages (texts and button presses) sent
	others   int                 // /help and /history answered
}

// TestSoak is issue #8: many simulated clients talk to the real binary through the fake Bot
// API for a while, with think time, a realistic mix of check-ins, /help, /history and
// /prepare, and reminders running. It must end with zero errors (every step got its answer,
// the bot never exited, logged no error and made no failed call) and with every answer stored
// (each completed check-in and /prepare is in Redis exactly once, with all its answers).
//
// The default is a quick run for CI; the long one is
//
//	go test ./cmd/interlude -run TestSoak -soak.clients=10000 -soak.duration=10m -timeout 40m -v
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak test; run without -short")
	}
	srv := redistest.Start(t)
	srv.RequireReal(t, "the soak test measures the real Redis's memory and load")
	r := startTelegramOn(t, srv)
	d := &driver{t: t, tg: r.tg}

	n, dur := *soakClients, *soakDuration
	gap := time.Duration(float64(n) / *soakRate * float64(time.Second))
	clients := make([]*soakClient, n)
	var (
		errMu  sync.Mutex
		errs   []error
		pushed atomic.Int64
	)
	start := time.Now()
	end := start.Add(dur)
	var wg sync.WaitGroup
	for i := range n {
		c := &soakClient{id: int64(1_000_000 + i), rng: rand.New(rand.NewPCG(uint64(i), 8)), gap: gap}
		clients[i] = c
		wg.Go(func() {
			if err := c.run(d, end, &pushed); err != nil {
				errMu.Lock()
				errs = append(errs, err)
				errMu.Unlock()
			}
		})
	}
	progress := time.NewTicker(time.Minute)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
wait:
	for {
		select {
		case <-done:
			break wait
		case <-progress.C:
			errMu.Lock()
			t.Logf("%v: %d messages sent by clients, %d clients failed", time.Since(start).Round(time.Second), pushed.Load(), len(errs))
			errMu.Unlock()
		}
	}
	progress.Stop()
	elapsed := time.Since(start)
	// The test process's live heap is mostly the fake Bot API's record of every call.
	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)

	// The bot ran throughout; its memory, just before it is stopped.
	select {
	case <-r.proc.done:
		out := r.proc.output()
		t.Errorf("the bot exited during the soak:\n%s", out[max(0, len(out)-4000):])
	default:
	}
	peak, rss := procMemory(t, r.proc.cmd.Process.Pid)
	ctx := context.Background()
	keys, err := srv.Client().DBSize(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	usedMemory := redisUsedMemory(t, srv)
	if err := r.proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := r.proc.cmd.Wait(); err != nil {
		t.Errorf("the bot's exit after SIGTERM: %v", err)
	}
	<-r.proc.done

	// Zero errors: every step answered, no error logged, no failed call.
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	for i, err := range errs {
		if i == 20 {
			t.Errorf("... and %d more", len(errs)-i)
			break
		}
		t.Error(err)
	}
	out := r.proc.output()
	var errLines, warnLines []string
	for line := range strings.Lines(out) {
		switch {
		case strings.Contains(line, `"level":"ERROR"`):
			errLines = append(errLines, line)
		case strings.Contains(line, `"level":"WARN"`):
			warnLines = append(warnLines, line)
		}
	}
	if len(errLines) > 0 {
		t.Errorf("%d errors logged by the bot, the first:\n%s", len(errLines), strings.Join(errLines[:min(10, len(errLines))], ""))
	}
	failed, methods := map[string]int{}, map[string]int{}
	var firstFailed []string
	calls := r.tg.Calls()
	nFailed := 0
	for _, c := range calls {
		methods[c.Method]++
		if c.Failed() {
			failed[c.Method]++
			nFailed++
			if len(firstFailed) < 10 {
				firstFailed = append(firstFailed, c.String())
			}
		}
	}
	if len(failed) > 0 {
		t.Errorf("failed Bot API calls by method: %v; the first:\n%s", failed, strings.Join(firstFailed, "\n"))
	}

	// Every answer stored: each completed check-in and /prepare exactly once, in order, with
	// every answer the client gave.
	st := testStore(t, srv)
	var sent, answered, received, others, checkins, prepares int
	verified := map[string]int{}
	var latencies []time.Duration
	for _, c := range clients {
		sent += c.sent
		answered += len(c.latency)
		others += c.others
		received += len(r.tg.Sent(c.id))
		checkins += len(c.checkins)
		prepares += len(c.prepares)
		latencies = append(latencies, c.latency...)
		stored := entriesOf(t, st, c.id)
		for flow, want := range map[string][]map[string]string{"checkin": c.checkins, "prepare": c.prepares} {
			var got []map[string]string
			for _, e := range stored[flow] {
				if !e.Complete {
					t.Errorf("client %d: an incomplete %s is stored: %v", c.id, flow, e.Answers)
				}
				a := maps.Clone(e.Answers)
				// The prompt the client answered is picked by the bot; its id is kept beside the answer.
				if a["reflection"] != "" && a["reflection_prompt"] == "" {
					t.Errorf("client %d: a reflection without its prompt: %v", c.id, e.Answers)
				}
				delete(a, "reflection_prompt")
				got = append(got, a)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("client %d: stored %s answers (-want +got):\n%s", c.id, flow, diff)
			} else {
				verified[flow] += len(want)
			}
		}
	}
	if n > 0 && checkins == 0 {
		t.Error("no check-in was completed: the soak proved nothing")
	}

	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Round(100 * time.Microsecond)
	}
	selfPeak, selfRSS := procMemory(t, os.Getpid())
	t.Logf("clients %d, duration %v, elapsed %v; think time %v–%v within a conversation, %v–%v (for /help) to %v–%v (for a check-in) before one",
		n, dur, elapsed.Round(time.Millisecond), round(gap/10), round(gap/2), round(pause(1, gap)/4), round(pause(1, gap)*7/4), round(pause(6, gap)/4), round(pause(6, gap)*7/4))
	t.Logf("messages sent by clients %d (%.1f/s), steps answered as expected %d, bot messages received %d, /help and /history answered %d",
		sent, float64(sent)/elapsed.Seconds(), answered, received, others)
	t.Logf("check-ins completed %d, verified in Redis %d; /prepare completed %d, verified %d; failed clients %d",
		checkins, verified["checkin"], prepares, verified["prepare"], len(errs))
	t.Logf("step latency (push to expected answer): p50 %v, p90 %v, p99 %v, max %v", pct(0.50), pct(0.90), pct(0.99), pct(1))
	t.Logf("bot process: peak RSS (VmHWM) %.1f MiB, current RSS (VmRSS) %.1f MiB; %d lines logged, %d errors, %d warnings; %d reminders sent",
		mib(peak), mib(rss), strings.Count(out, "\n"), len(errLines), len(warnLines), strings.Count(out, `"msg":"reminder sent"`))
	t.Logf("redis: %d keys (%.1f per client), used_memory %.1f MiB (%.1f KiB per client)",
		keys, float64(keys)/float64(max(n, 1)), mib(usedMemory), float64(usedMemory)/1024/float64(max(n, 1)))
	t.Logf("fake Bot API: %d calls recorded (%d failed): %v", len(calls), nFailed, methods)
	t.Logf("test process (fake Bot API and clients): live heap after the soak %.1f MiB (%.2f KiB per call recorded), goroutine stacks %.1f MiB, peak RSS %.1f MiB, current %.1f MiB",
		mib(int64(mem.HeapAlloc)), float64(mem.HeapAlloc)/1024/float64(max(len(calls), 1)), mib(int64(mem.StackInuse)), mib(selfPeak), mib(selfRSS))
	if len(warnLines) > 0 {
		t.Logf("the first warning: %s", strings.TrimSpace(warnLines[0]))
	}
}

// run plays the client until end: onboarding, then a mix of check-ins, /help, /history and
// /prepare, each message after a think time. It stops at the first unexpected answer.
func (c *soakClient) run(d *driver, end time.Time, pushed *atomic.Int64) error {
	if done, err := c.play(d, end, pushed, onboardingSteps()); !done {
		return err
	}
	for {
		c.n++
		var steps [][2]string
		var checkin, prepare map[string]string
		switch p := c.rng.IntN(100); {
		case p < 55:
			checkin = map[string]string{
				"mood":    strconv.Itoa(1 + c.rng.IntN(10)),
				"feeling": fmt.Sprintf("felt-%d-%d", c.id, c.n),
				"moment":  fmt.Sprintf("moment-%d-%d", c.id, c.n),
				"agenda":  fmt.Sprintf("agenda-%d-%d", c.id, c.n),
			}
			reflection := "/skip"
			if c.rng.IntN(2) == 0 {
				reflection = fmt.Sprintf("reflection-%d-%d", c.id, c.n)
				checkin["reflection"] = reflection
			}
			mood, _ := strconv.Atoi(checkin["mood"])
			steps = checkinSteps(mood, checkin["feeling"], checkin["moment"], reflection, checkin["agenda"])
		case p < 80:
			steps = [][2]string{{"/help", "What you can do"}}
		case p < 90:
			want := "Your latest check-ins"
			if len(c.checkins) == 0 {
				want = "There are no check-ins yet"
			}
			steps = [][2]string{{"/history", want}}
		default:
			prepare = map[string]string{"important": fmt.Sprintf("important-%d-%d", c.id, c.n)}
			feedback := "/skip"
			if c.rng.IntN(2) == 0 {
				feedback = fmt.Sprintf("feedback-%d-%d", c.id, c.n)
				prepare["feedback"] = feedback
			}
			steps = [][2]string{
				{"/prepare", "most important"},
				{prepare["important"], "what helps you"},
				{feedback, "hard to bring up"},
				{"/skip", "I hope it goes well"},
			}
		}
		if done, err := c.play(d, end, pushed, steps); !done {
			return err
		}
		switch {
		case checkin != nil:
			c.checkins = append(c.checkins, checkin)
		case prepare != nil:
			c.prepares = append(c.prepares, prepare)
		default:
			c.others++
		}
	}
}

// pause is the mean think time before a conversation of n messages: answering within a
// conversation is quick (0.3 gap on average), the pause before the next conversation longer,
// so that a client sends a message every gap on average.
func pause(n int, gap time.Duration) time.Duration {
	return time.Duration(n)*gap - time.Duration(n-1)*gap*3/10
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }

// play sends the steps, each after a think time, and records how long each answer took. It
// returns false, with no error, when the soak ends before the last step (a conversation cut off
// in the middle leaves no history entry).
func (c *soakClient) play(d *driver, end time.Time, pushed *atomic.Int64, steps [][2]string) (bool, error) {
	for i, s := range steps {
		think := time.Duration((0.1 + 0.4*c.rng.Float64()) * float64(c.gap))
		if i == 0 {
			think = time.Duration((0.25 + 1.5*c.rng.Float64()) * float64(pause(len(steps), c.gap)))
		}
		if time.Until(end) < think {
			return false, nil
		}
		time.Sleep(think)
		pushed.Add(1)
		c.sent++
		at := time.Now()
		if err := d.step(c.id, s[0], s[1]); err != nil {
			sent := d.tg.Sent(c.id)
			var last []string
			for _, m := range sent[max(0, len(sent)-3):] {
				last = append(last, strconv.Quote(visible(m)))
			}
			return false, fmt.Errorf("%s: %w; the last messages to the client: %s", at.Format("15:04:05.000"), err, strings.Join(last, ", "))
		}
		c.latency = append(c.latency, time.Since(at))
	}
	return true, nil
}

// procMemory reads a process's peak and current resident set size (VmHWM, VmRSS) in bytes.
func procMemory(t *testing.T, pid int) (peak, rss int64) {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), ":")
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch {
		case err != nil:
		case name == "VmHWM":
			peak = kb << 10
		case name == "VmRSS":
			rss = kb << 10
		}
	}
	if peak == 0 || rss == 0 {
		t.Fatalf("no VmHWM or VmRSS in /proc/%d/status", pid)
	}
	return peak, rss
}

// redisUsedMemory is used_memory from INFO memory, in bytes.
func redisUsedMemory(t *testing.T, srv *redistest.Server) int64 {
	t.Helper()
	info, err := srv.Client().Info(context.Background(), "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no used_memory in INFO memory")
	return 0
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
