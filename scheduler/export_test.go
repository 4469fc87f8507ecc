package scheduler

// WithLateCheck makes a dispatcher on its own clock give up the slots it wakes too late for, as
// one on the real clock does, for a test whose clock only that worker moves.
func WithLateCheck() Option { return func(d *Dispatcher) { d.lateCheck = true } }
