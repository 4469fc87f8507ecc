package console_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/bots/console"
	"github.com/interlude-bot/interlude/flows"
)

// recorder is an engine that records what it was given and answers with one question, or
// with err. Its words are the library's, in the language of the terminal.
type recorder struct {
	got []flows.Inbound
	err error
}

var lib = func() *flows.Library {
	l, err := flows.Load("")
	if err != nil {
		panic(err)
	}
	return l
}()

func (r *recorder) Library() *flows.Library                    { return lib }
func (r *recorder) Block(context.Context, flows.UserKey) error { return nil }
func (r *recorder) Text(_ context.Context, _ flows.UserKey, hint, key string, vals map[string]string) string {
	s := lib.String(key, lib.LocaleFor(hint))
	for k, v := range vals {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

func (r *recorder) Handle(_ context.Context, in flows.Inbound) ([]flows.Outbound, error) {
	r.got = append(r.got, in)
	if r.err != nil {
		return nil, r.err
	}
	return []flows.Outbound{{
		Text:    "Pick one",
		Buttons: []flows.Button{{ID: "q1.0", Label: "Calm"}, {ID: "q1.1", Label: "Tired"}},
		File:    &flows.File{Name: "../../summary.md", Data: []byte("# Summary")},
	}}, nil
}

func (r *recorder) Resume(context.Context, flows.UserKey) ([]flows.Outbound, error) {
	if errors.Is(r.err, flows.ErrUnreadable) {
		return nil, r.err
	}
	return nil, nil
}

func TestNumbersAndLabelsPressButtons(t *testing.T) {
	eng := &recorder{}
	dir := t.TempDir()
	var out bytes.Buffer
	user := flows.UserKey{Platform: flows.Console, ID: "me"}
	in := strings.NewReader("/checkin\n2\ncalm\n7\n\n/quit\nnever read\n")
	if err := console.New(eng, user, in, &out, console.WithFilesDir(dir)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []flows.Inbound{
		{User: user, Text: "/checkin"},
		{User: user, Button: "q1.1"},
		{User: user, Button: "q1.0"},
		{User: user, Text: "7"},
	}
	if diff := cmp.Diff(want, eng.got); diff != "" {
		t.Errorf("inbound (-want +got):\n%s", diff)
	}
	if !strings.Contains(out.String(), "  1) Calm\n  2) Tired\n") {
		t.Errorf("buttons not shown as a numbered list:\n%s", out.String())
	}
	// A file name from the engine cannot escape the client's folder, and a second file of the
	// same name does not overwrite the first.
	for _, name := range []string{"summary.md", "summary-2.md", "summary-4.md"} {
		data, err := os.ReadFile(filepath.Join(dir, "me", name))
		if err != nil || string(data) != "# Summary" {
			t.Errorf("file %s not written in %s: %v", name, dir, err)
		}
		if !strings.Contains(out.String(), "[file saved: "+filepath.Join(dir, "me", name)+"]") {
			t.Errorf("file path of %s not printed:\n%s", name, out.String())
		}
	}
}

// TestPromptComesBackAfterAReminder: a message the bot sends on its own, while the client is
// at the prompt, is followed by the prompt again; another client's reminder is not shown.
func TestPromptComesBackAfterAReminder(t *testing.T) {
	var out bytes.Buffer
	user := flows.UserKey{Platform: flows.Console, ID: "me"}
	a := console.New(&recorder{}, user, strings.NewReader(""), &out, console.WithPrompt(true), console.WithFilesDir(t.TempDir()))
	if err := a.Send(context.Background(), user, []flows.Outbound{{Text: "Time for your check-in"}}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasSuffix(got, "Time for your check-in\n\n> ") {
		t.Errorf("after a reminder: %q", got)
	}
	out.Reset()
	_ = a.Send(context.Background(), flows.UserKey{Platform: flows.Console, ID: "other"}, []flows.Outbound{{Text: "not yours"}})
	if out.Len() != 0 {
		t.Errorf("another client's reminder shown: %q", out.String())
	}
}

// TestWhatWasNotSavedIsSaid: when Redis is down the client is told, in their language, that
// nothing changed and to send it again; a record that cannot be read is said as such (sending
// again would not help), and neither error's text reaches the screen.
func TestWhatWasNotSavedIsSaid(t *testing.T) {
	user := flows.UserKey{Platform: flows.Console, ID: "me"}
	for _, c := range []struct {
		name, hint string
		err        error
		want       string
	}{
		{"redis down", "de_DE.UTF-8", fmt.Errorf("store: save: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")}), lib.String("not_saved", "de")},
		{"unreadable", "en_GB.UTF-8", fmt.Errorf("state of console:me: %w", flows.ErrUnreadable), lib.String("unreadable", "en")},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			a := console.New(&recorder{err: c.err}, user, strings.NewReader("ich bin müde\n"), &out,
				console.WithFilesDir(t.TempDir()), console.WithLanguageHint(c.hint), console.WithLogger(slog.New(slog.DiscardHandler)))
			if err := a.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			// An unreadable record is said when the console starts (it cannot resume), and
			// again for the message.
			if n := map[bool]int{true: 2, false: 1}[c.name == "unreadable"]; c.want == "" || strings.Count(got, c.want) != n {
				t.Errorf("want %q said %d times:\n%s", c.want, n, got)
			}
			if strings.Contains(got, "refused") || strings.Contains(got, "console:me") {
				t.Errorf("the error's text reached the client:\n%s", got)
			}
		})
	}
}
