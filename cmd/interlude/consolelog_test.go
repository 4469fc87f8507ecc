package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/config"
)

func TestConsoleLogPath(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/x/state", "HOME": "/home/a"}, "/x/state/interlude/console.log"},
		{map[string]string{"HOME": "/home/a"}, "/home/a/.local/state/interlude/console.log"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/a"}, "/home/a/.local/state/interlude/console.log"},
	} {
		if got := consoleLogPath(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.env, got, tt.want)
		}
	}
}

// TestConsoleLogsGoToStderrWhenItIsNotATerminal: a script that pipes stderr gets the logs
// there, and no file is named.
func TestConsoleLogsGoToStderrWhenItIsNotATerminal(t *testing.T) {
	cfg, err := config.Load(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	logger, path := consoleLogger(cfg, &stderr)
	logger.Warn("crisis path", "rule", "r1")
	if path != "" || !strings.Contains(stderr.String(), `msg="crisis path"`) {
		t.Errorf("path %q, stderr %q", path, stderr.String())
	}
}
