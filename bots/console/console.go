// Package console is the terminal adapter: the zero-setup way to talk to the bot, and a driver
// for end-to-end tests. It reads lines (from a terminal or a pipe), shows buttons as a numbered
// list, and takes the number or the label of a button as a press.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/interlude-bot/interlude/bots/adapter"
	"github.com/interlude-bot/interlude/flows"
)

// Engine is what the console needs from the conversation engine: what every adapter needs,
// and the question a client was in the middle of when the console last stopped.
type Engine interface {
	adapter.Engine
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
	hint   string // the terminal's language ("de_DE.UTF-8"), for a client who has not chosen one
	logAt  string // where the logs go, said once at start

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
	if a.prompt {
		a.mu.Lock()
		fmt.Fprint(a.out, "> ") // the client was typing: give them the prompt back
		a.mu.Unlock()
	}
	return nil
}

// text is one of the console's own texts, in the client's language.
func (a *Adapter) text(ctx context.Context, key string, vals map[string]string) string {
	return a.engine.Text(ctx, a.user, a.hint, key, vals)
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

// WithLanguageHint sets the terminal's language (such as $LANG), used until the client picks one.
func WithLanguageHint(hint string) Option { return func(a *Adapter) { a.hint = hint } }

// WithLogFile says at start, once, that the logs go to path (they never show in the chat).
func WithLogFile(path string) Option { return func(a *Adapter) { a.logAt = path } }

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
	fmt.Fprintln(a.out, a.text(ctx, "console_banner", nil))
	if s := a.text(ctx, "storage_line", nil); s != "" {
		fmt.Fprintln(a.out, s)
	}
	if a.logAt != "" {
		fmt.Fprintln(a.out, a.text(ctx, "console_log", map[string]string{"path": a.logAt}))
	}
	fmt.Fprintln(a.out)
	// The question the client was in the middle of, if any. Not reading it ends nothing: the
	// client is told when their record cannot be read (/crisis still works), and otherwise
	// starts as if there were none.
	switch outs, err := a.engine.Resume(ctx, a.user); {
	case err == nil:
		a.show(outs)
	case errors.Is(err, flows.ErrUnreadable):
		a.log.Error("console: the client's record cannot be read", "user", a.user.String(), "error", flows.ErrorKind(err))
		a.show([]flows.Outbound{{Text: a.text(ctx, adapter.Unreadable, nil)}})
	default:
		a.log.Error("console: the open question not read", "user", a.user.String(), "error", flows.ErrorKind(err))
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
	in := flows.Inbound{User: a.user, Text: line, LanguageHint: a.hint}
	if id, ok := a.button(line); ok {
		in = flows.Inbound{User: a.user, Button: id, LanguageHint: a.hint}
	}
	// The client is at the terminal: what was not saved is theirs to send again, once told.
	if err := adapter.Turn(ctx, a.engine, a.log, in, chat{a}); err != nil {
		a.log.Error("console: message not saved", "user", a.user.String(), "error", flows.ErrorKind(err))
		adapter.Notify(ctx, a.engine, in, chat{a}, adapter.NotSaved)
	}
}

// chat is the console's client as an [adapter.Chat].
type chat struct{ a *Adapter }

func (c chat) Send(_ context.Context, outs []flows.Outbound) error {
	c.a.show(outs)
	return nil
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
	ctx := context.Background() // a quick read of the client's language; show never fails
	// The console's own words are looked up before the lock: the engine may read the store.
	saved := a.text(ctx, "console_file", map[string]string{"path": "{path}"})
	failed := a.text(ctx, "console_file_failed", map[string]string{"name": "{name}", "error": "{error}"})
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
				fmt.Fprintln(a.out, strings.NewReplacer("{name}", f.Name, "{error}", err.Error()).Replace(failed))
				continue
			}
			fmt.Fprintln(a.out, strings.ReplaceAll(saved, "{path}", path))
		}
		fmt.Fprintln(a.out)
	}
}

// write saves a file in the client's own folder under the files directory, never over an
// earlier one: a second summary the same day becomes "name-2.md".
func (a *Adapter) write(f *flows.File) (string, error) {
	dir := filepath.Join(a.files, userDir(a.user))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	base := filepath.Base(f.Name)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for n := 1; ; n++ {
		name := base
		if n > 1 {
			name = stem + "-" + strconv.Itoa(n) + ext
		}
		path := filepath.Join(dir, name)
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = fh.Write(f.Data)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", err
		}
		return filepath.Abs(path)
	}
}

// userDir is a folder name for a console client that cannot leave the files directory.
func userDir(u flows.UserKey) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == os.PathSeparator || r < ' ' {
			return '_'
		}
		return r
	}, strings.TrimLeft(string(u.ID), "."))
}
