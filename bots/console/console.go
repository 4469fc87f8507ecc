// Package console is the terminal adapter: the zero-setup way to talk to the bot, and a driver
// for end-to-end tests. It reads lines (from a terminal or a pipe), shows buttons as a numbered
// list, and takes the number or the label of a button as a press.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/interlude-bot/interlude/flows"
)

// Engine is what the console needs from the conversation engine.
type Engine interface {
	Handle(ctx context.Context, in flows.Inbound) ([]flows.Outbound, error)
	Resume(ctx context.Context, user flows.UserKey) ([]flows.Outbound, error)
}

// Adapter talks to one client through a reader and a writer.
type Adapter struct {
	engine Engine
	user   flows.UserKey
	in     io.Reader
	out    io.Writer
	prompt bool
	files  string
	log    *slog.Logger

	mu      sync.Mutex     // guards out and buttons: reminders print while the client types
	buttons []flows.Button // of the last message with buttons
}

var _ flows.Sender = (*Adapter)(nil)

// Send shows messages the bot sends on its own (reminders) to the console's client.
func (a *Adapter) Send(_ context.Context, user flows.UserKey, outs []flows.Outbound) error {
	if user != a.user {
		return nil // the console has one client; another's reminder has nowhere to go
	}
	a.show(outs)
	return nil
}

// Option configures an Adapter.
type Option func(*Adapter)

// WithPrompt prints "> " before reading each line (for a terminal).
func WithPrompt(on bool) Option { return func(a *Adapter) { a.prompt = on } }

// WithFilesDir sets where pictures and files the bot sends are written (default: a folder
// "interlude" in the system's temporary directory).
func WithFilesDir(dir string) Option { return func(a *Adapter) { a.files = dir } }

// WithLogger sets the logger for adapter errors.
func WithLogger(l *slog.Logger) Option { return func(a *Adapter) { a.log = l } }

// New builds a console adapter for the client user.
func New(engine Engine, user flows.UserKey, in io.Reader, out io.Writer, opts ...Option) *Adapter {
	a := &Adapter{engine: engine, user: user, in: in, out: out, files: filepath.Join(os.TempDir(), "interlude"), log: slog.Default()}
	for _, o := range opts {
		o(a)
	}
	return a
}

// Run talks until the input ends, the client types /quit, or ctx is cancelled.
func (a *Adapter) Run(ctx context.Context) error {
	fmt.Fprintln(a.out, "Interlude console. Type /start to begin, /help for help, /quit to leave.")
	if outs, err := a.engine.Resume(ctx, a.user); err != nil {
		return fmt.Errorf("resume: %w", err)
	} else {
		a.show(outs)
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(a.in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	for {
		if a.prompt {
			fmt.Fprint(a.out, "> ")
		}
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return <-errc
			}
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if line == "/quit" || line == "/exit" {
				return nil
			}
			a.send(ctx, line)
		}
	}
}

func (a *Adapter) send(ctx context.Context, line string) {
	in := flows.Inbound{User: a.user, Text: line}
	if id, ok := a.button(line); ok {
		in = flows.Inbound{User: a.user, Button: id}
	}
	outs, err := a.engine.Handle(ctx, in)
	if err != nil {
		a.log.Error("message not applied", "user", a.user.String(), "err", err)
		a.mu.Lock()
		fmt.Fprintln(a.out, "Sorry, I could not save that just now, so nothing changed. Please send it again in a moment.")
		a.mu.Unlock()
		return
	}
	a.show(outs)
}

// button maps a typed number or label to the id of a button of the last question.
func (a *Adapter) button(line string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(a.buttons) {
		return a.buttons[n-1].ID, true
	}
	for _, b := range a.buttons {
		if strings.EqualFold(b.Label, line) {
			return b.ID, true
		}
	}
	return "", false
}

func (a *Adapter) show(outs []flows.Outbound) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, o := range outs {
		if o.Text != "" {
			fmt.Fprintln(a.out, o.Text)
		}
		if len(o.Buttons) > 0 {
			a.buttons = o.Buttons
			for i, b := range o.Buttons {
				if i > 0 && b.Row != 0 && b.Row != o.Buttons[i-1].Row {
					fmt.Fprintln(a.out, "  --")
				}
				fmt.Fprintf(a.out, "  %d) %s\n", i+1, b.Label)
			}
		}
		for _, f := range []*flows.File{o.Image, o.File} {
			if f == nil {
				continue
			}
			path, err := a.write(f)
			if err != nil {
				fmt.Fprintf(a.out, "(could not write %s: %v)\n", f.Name, err)
				continue
			}
			fmt.Fprintf(a.out, "[file written: %s]\n", path)
		}
		fmt.Fprintln(a.out)
	}
}

func (a *Adapter) write(f *flows.File) (string, error) {
	if err := os.MkdirAll(a.files, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(a.files, filepath.Base(f.Name))
	if err := os.WriteFile(path, f.Data, 0o600); err != nil {
		return "", err
	}
	return filepath.Abs(path)
}
