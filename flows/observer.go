package flows

// Observer is told what the engine does, so that metrics can count it. It is never given a
// client's id or anything a client wrote: only flow names and crisis-path events. The metrics
// package implements it; the engine links no metrics library of its own.
type Observer interface {
	// Received is called once for each message or button press from a client that the engine
	// has taken in (kept, or answered on the crisis path): not again when it is handled again
	// after a failure or delivered twice, and not for an edit. platform is its Platform.Name.
	Received(platform string)
	// FlowStarted is called when a conversation starts.
	FlowStarted(flow string)
	// FlowEnded is called when it ends: complete, or left before the end.
	FlowEnded(flow string, complete bool)
	// CrisisEvent is called on the crisis path: "reply", "question", "answer_yes", "answer_no",
	// "answer_rather_not", "answer_other", "reached", "go_on", "stop", "country".
	CrisisEvent(event string)
}

// CrisisEvents are the events an Observer's CrisisEvent may be given.
var CrisisEvents = []string{"reply", "question", "answer_yes", "answer_no", "answer_rather_not", "answer_other", "reached", "go_on", "stop", "country"}

type noObserver struct{}

func (noObserver) Received(string)        {}
func (noObserver) FlowStarted(string)     {}
func (noObserver) FlowEnded(string, bool) {}
func (noObserver) CrisisEvent(string)     {}
