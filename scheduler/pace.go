package scheduler

import (
	"context"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

// Pace is how a limiter spaces messages: one every Every, granted for a slot up to Ahead from
// now.
type Pace struct {
	Every, Ahead time.Duration
}

// Limit is a platform's sending budget, shared by all replicas.
type Limit struct {
	// PerSecond is the most messages per second to the platform overall.
	PerSecond int
	// PerChat is the most messages per second to one chat.
	PerChat int
}

// headroom is the share of a limit the dispatcher paces at. The slots the limiter hands out
// are never more than the limit in any second; a send leaves a little after its slot (a busy
// machine, a slow connection), and the 3 % left (30 ms of every second) keep such late sends
// from putting more than the limit into a second at the platform's end.
const headroom = 0.97

// pace is how the limiter spaces messages for perSecond.
func pace(perSecond int) Pace {
	return Pace{Every: time.Duration(float64(time.Second) / (float64(max(perSecond, 1)) * headroom))}
}

// DefaultLimits stay below the platforms' documented limits.
var DefaultLimits = map[flows.Platform]Limit{
	flows.Telegram: {PerSecond: 25, PerChat: 1},
	flows.Discord:  {PerSecond: 40, PerChat: 5},
	flows.Console:  {PerSecond: 1000, PerChat: 1000},
}

// maxWaitInPlace is the longest a worker waits, holding its claim, for the send budget before it
// puts the claim back instead: far below the lease, and long enough to cover a chat's second.
const maxWaitInPlace = 2 * time.Second

// maxLate is how late after its slot a send may still leave. The limiter spaces slots at
// headroom × the limit, which leaves 1/headroom − 1 of every second (31 ms at 0.97) between the
// limit's last message and the next second: sends that leave at most that late after their
// slots can never put more than the limit into any second at the platform, whatever their
// order. Half of it is the budget for waking up and asking; the other half is for the way from
// here to the platform. A worker that wakes later than this (a loaded machine) gives its slot
// up and takes a new one instead of crowding the sends behind it.
var maxLate = func() time.Duration {
	slack := 1/headroom - 1
	return time.Duration(slack * float64(time.Second) / 2)
}()

// maxLostSlots is how many slots a worker gives up for one reminder before it puts the claim
// back for later.
const maxLostSlots = 3

// take takes n messages from the send budget of the claim's platform and chat. A worker that
// can wait (on the real clock, or with WithSleep) reserves the platform's next slot up to
// maxWaitInPlace ahead and sends at it: the engine has decided and saved already, and a slot
// that is reserved is not lost unless the worker wakes more than maxLate after it. Over the
// chat's budget, it waits and asks again (up to maxWaitInPlace in all); otherwise the claim is
// put back for when the budget allows. It reports whether the messages may go, the time of
// their slot, and how many slots it gave up on the way.
func (d *Dispatcher) take(ctx context.Context, c Claim, lim Limit, n int, retry func(time.Duration, error)) (at time.Time, lost int, ok bool) {
	canWait := !d.ownClock || d.sleepUntil != nil
	sleep := d.sleepUntil
	if sleep == nil {
		sleep = sleepUntil
	}
	platform := pace(lim.PerSecond)
	if canWait {
		platform.Ahead = maxWaitInPlace
	}
	var waited time.Duration
	for {
		asked := d.now()
		clock := time.Time{} // the Redis server's clock
		if d.ownClock {
			clock = asked
		}
		wait, granted, err := d.queue.Allow(ctx, c.User.Platform, platform, string(c.User.ID), pace(lim.PerChat), n, clock)
		// The slot is wait after the moment the limiter read its clock, which lies between
		// asking and the answer: the worker sleeps from the answer (never early) and counts
		// its lateness from the asking (never too little).
		answered := d.now()
		switch {
		case err != nil:
			retry(5*time.Second, err)
			return time.Time{}, lost, false
		case granted:
			if wait > 0 {
				if err := sleep(ctx, answered.Add(wait)); err != nil {
					retry(0, err) // the slot is lost: stopping
					return time.Time{}, lost, false
				}
			}
			slot := asked.Add(wait)
			if !d.lateCheck || d.now().Sub(slot) <= maxLate {
				return slot, lost, true
			}
			// Woke too late: sending now could crowd the sends of the slots after it.
			if lost++; lost >= maxLostSlots {
				retry(0, nil)
				return time.Time{}, lost, false
			}
			continue
		case !canWait || waited+wait > maxWaitInPlace:
			// The engine says it again on the next attempt.
			retry(wait, nil)
			return time.Time{}, lost, false
		}
		if err := sleep(ctx, answered.Add(wait)); err != nil {
			retry(0, err)
			return time.Time{}, lost, false
		}
		waited += wait
	}
}

// sleepUntil waits on the real clock until t, or until ctx ends.
func sleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
