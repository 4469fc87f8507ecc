package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

func TestSafetyPlanIsMadeShownInACrisisAndKept(t *testing.T) {
	// A minute between messages, so that none is taken as the continuation of a long answer.
	now := time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Minute); return now }
	e, st, _ := newEngine(t, flows.Options{Now: clock})
	c := onboarded(t, e, "plan")
	outs := c.send("/safetyplan")
	if !strings.Contains(joined(outs), "seven parts") || !strings.Contains(joined(outs), "1 of 7") {
		t.Fatalf("start: %q", joined(outs))
	}
	long := strings.Repeat("walk along the river, ", 200)[:3990]
	c.send("when I stop answering messages") // warning signs
	c.send(long)                             // on my own
	c.send("/skip")                          // distraction
	c.send("my sister Anna, 0170 1234567")   // people
	if outs := c.last; !strings.Contains(joined(outs), "TelefonSeelsorge") {
		t.Errorf("professionals not prefilled with the client's helplines: %q", joined(outs))
	}
	c.press("Keep this list") // keep the prefilled professionals
	c.send("my partner keeps my tablets")
	outs = c.send("my cat, and the sea")
	if !inOrder(joined(outs), "Here is your safety plan", "Warning signs: when I stop answering", "People I can ask for help: my sister Anna", "TelefonSeelsorge", "What I live for: my cat") {
		t.Errorf("plan shown: %q", joined(outs))
	}
	sn, _ := st.Load(context.Background(), c.user, "")
	if p := decoded(t, sn.State).Plan; p == nil || p.Coping != long || p.Distract != "" {
		t.Errorf("plan kept: %+v", p)
	}
	// In a crisis: their steps, people and reason first after care, never their warning signs.
	outs = c.send("I want to kill myself")
	text := joined(outs)
	if !inOrder(text, "I'm really glad you told me.", "From your safety plan:", "People I can ask for help: my sister Anna", "What I live for: my cat", "0800 111 0 111", "automated bot") ||
		strings.Contains(text, "stop answering messages") {
		t.Errorf("crisis reply with a plan:\n%s", text)
	}
	// Edit one part; the rest stays.
	c.send("/safetyplan")
	c.press("What I live for")
	outs = c.send("my cat, the sea, and my niece")
	if !strings.Contains(joined(outs), "my niece") || !strings.Contains(joined(outs), "my sister Anna") {
		t.Errorf("edited: %q", joined(outs))
	}
	// In the export, and gone with /forget.
	outs = c.send("/export")
	if js := exportJSON(t, outs); !strings.Contains(js, `"reason_for_living": "my cat, the sea, and my niece"`) {
		t.Errorf("export lacks the plan:\n%s", js)
	}
}

func exportJSON(t *testing.T, outs []flows.Outbound) string {
	t.Helper()
	for _, o := range outs {
		if o.File != nil && o.File.MIME == "application/json" {
			return string(o.File.Data)
		}
	}
	t.Fatalf("no JSON export in %q", joined(outs))
	return ""
}
