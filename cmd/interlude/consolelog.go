package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/interlude-bot/interlude/bots/console"
	"github.com/interlude-bot/interlude/config"
)

// The console is a chat, not a log: in a terminal, logs go to a file (its path is said once at
// start); when stderr is not a terminal (a script, a test, a service), they go to stderr.

// consoleLogger returns the logger of console mode and the file it writes to ("" for stderr).
func consoleLogger(cfg *config.Config, stderr io.Writer) (*slog.Logger, string) {
	if !isTerminal(stderr) {
		return newLogger(cfg, stderr, true), ""
	}
	path := consoleLogPath(os.Getenv)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
		if f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600); err == nil {
			// Never closed: the process logs until it exits, and the file is append-only.
			return newLogger(cfg, f, false), path
		}
	}
	// No file to write to: keep the chat readable, but do not lose errors.
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError})), ""
}

// consoleLogPath is $XDG_STATE_HOME/interlude/console.log, or ~/.local/state/interlude/console.log.
func consoleLogPath(getenv func(string) string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		if home == "" {
			home = os.TempDir()
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "interlude", "console.log")
}

// consoleOptions are the console adapter's options for this terminal.
func consoleOptions(stdin io.Reader, logger *slog.Logger, logPath string) []console.Option {
	lang := os.Getenv("LC_ALL")
	if lang == "" {
		lang = os.Getenv("LANG")
	}
	// Files (summaries, exports, charts) go next to the log, in a folder of the client's own
	// (not a shared temporary folder other users of the machine can see or block).
	files := filepath.Join(filepath.Dir(consoleLogPath(os.Getenv)), "files")
	return []console.Option{console.WithPrompt(isTerminal(stdin)), console.WithLogger(logger),
		console.WithLogFile(logPath), console.WithLanguageHint(lang), console.WithFilesDir(files)}
}
