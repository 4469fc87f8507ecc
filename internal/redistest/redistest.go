// Package redistest gives tests a real Redis of their own.
//
// Start runs a private redis-server in a temporary directory on a unix socket, so tests are
// isolated from each other and from any Redis on the machine, and can turn AOF on, kill and
// restart it. With INTERLUDE_TEST_REDIS_URL set, that server is used instead (and flushed).
// When redis-server is not installed, the test falls back to an in-process miniredis with a
// visible log line, except under CI=true, where a missing redis-server fails the test.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Server is a Redis for one test.
type Server struct {
	// URL is the redis:// or unix:// URL of the server.
	URL string
	// Real is false when the server is an in-process miniredis.
	Real bool

	t      testing.TB
	dir    string
	socket string
	args   []string
	mu     sync.Mutex
	cmd    *exec.Cmd
	mini   *miniredis.Miniredis
	client *redis.Client
}

// Option changes how the server is started.
type Option func(*config)

type config struct {
	aof      string // "", "everysec" or "always"
	external bool   // allow INTERLUDE_TEST_REDIS_URL
}

// WithAOF turns on the append-only file with the given fsync policy ("everysec" or "always").
// Such a server is always a private one, never INTERLUDE_TEST_REDIS_URL.
func WithAOF(fsync string) Option { return func(c *config) { c.aof = fsync; c.external = false } }

// Start gives the test a Redis that is stopped when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	c := config{external: true}
	for _, o := range opts {
		o(&c)
	}
	if url := os.Getenv("INTERLUDE_TEST_REDIS_URL"); url != "" && c.external {
		s := &Server{URL: url, Real: true, t: t}
		s.Client().FlushAll(context.Background())
		return s
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is not installed, and under CI=true tests must not fall back to miniredis")
		}
		t.Logf("redis-server not found: falling back to the in-process miniredis (install redis-server for real tests)")
		mr := miniredis.RunT(t)
		return &Server{URL: "redis://" + mr.Addr(), t: t, mini: mr}
	}
	dir, err := os.MkdirTemp("", "interlude-redis-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Real: true, t: t, dir: dir, socket: filepath.Join(dir, "redis.sock")}
	s.URL = "unix://" + s.socket
	s.args = []string{
		"--port", "0", "--unixsocket", s.socket, "--unixsocketperm", "700",
		"--dir", dir, "--save", "", "--daemonize", "no", "--logfile", filepath.Join(dir, "redis.log"),
	}
	if c.aof != "" {
		s.args = append(s.args, "--appendonly", "yes", "--appendfsync", c.aof)
	} else {
		s.args = append(s.args, "--appendonly", "no")
	}
	s.args = append([]string{bin}, s.args...)
	s.start()
	t.Cleanup(func() {
		s.Kill()
		if s.client != nil {
			_ = s.client.Close()
		}
		_ = os.RemoveAll(dir)
	})
	return s
}

func (s *Server) start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(s.args[0], s.args[1:]...)
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if conn, err := net.Dial("unix", s.socket); err == nil {
			_ = conn.Close()
			c := redis.NewClient(&redis.Options{Network: "unix", Addr: s.socket})
			err := c.Ping(context.Background()).Err()
			_ = c.Close()
			if err == nil {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	s.t.Fatalf("redis-server did not come up: %s", strings.TrimSpace(string(log)))
}

// Client returns a client of the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client == nil {
		o, err := redis.ParseURL(s.URL)
		if err != nil {
			s.t.Fatal(err)
		}
		s.client = redis.NewClient(o)
	}
	return s.client
}

// Kill stops the server with SIGKILL, as a crash would (an in-process miniredis is closed).
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mini != nil {
		s.mini.Close()
		return
	}
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart kills the server and starts it again on the same socket and directory (with AOF on,
// what was written survives as the fsync policy allows).
func (s *Server) Restart() {
	s.t.Helper()
	if s.mini != nil {
		if err := s.mini.Restart(); err != nil {
			s.t.Fatal(err)
		}
		return
	}
	if !s.Real || s.dir == "" {
		s.t.Fatalf("Restart needs a private redis-server")
	}
	s.Kill()
	s.start()
}

// RequireReal skips the test when the server is the in-process fallback, which cannot do what
// the test needs (keys that expire on their own, say). Under CI=true there is no fallback, so
// such a test never skips there.
func (s *Server) RequireReal(t testing.TB, why string) {
	t.Helper()
	if !s.Real {
		t.Skipf("needs a real redis-server (%s); install redis-server to run it", why)
	}
}

// Dir is the server's data directory.
func (s *Server) Dir() string { return s.dir }

// String describes the server for logs.
func (s *Server) String() string { return fmt.Sprintf("redis %s (real=%v)", s.URL, s.Real) }

// Raw returns everything stored under a key, as text, whatever its type: what someone reading
// Redis directly would see. (DUMP would do on a real server, but the fallback lacks it.)
func (s *Server) Raw(key string) string {
	s.t.Helper()
	ctx := context.Background()
	c := s.Client()
	var parts []string
	switch typ, _ := c.Type(ctx, key).Result(); typ {
	case "string":
		v, _ := c.Get(ctx, key).Result()
		parts = append(parts, v)
	case "hash":
		for k, v := range c.HGetAll(ctx, key).Val() {
			parts = append(parts, k, v)
		}
	case "list":
		parts = append(parts, c.LRange(ctx, key, 0, -1).Val()...)
	case "zset":
		for _, z := range c.ZRangeWithScores(ctx, key, 0, -1).Val() {
			parts = append(parts, fmt.Sprint(z.Member))
		}
	case "set":
		parts = append(parts, c.SMembers(ctx, key).Val()...)
	}
	return strings.Join(parts, "\n")
}
