package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cluster is a three-master Redis Cluster on this machine, for tests that must show the key
// layout works on a cluster (every multi-key script in one slot).
type Cluster struct {
	// URL is a redis+cluster:// URL of the cluster.
	URL   string
	Addrs []string
}

// StartCluster starts three `redis-server --cluster-enabled yes` nodes on free ports in a temp
// dir and joins them with `redis-cli --cluster create`. Without redis-server and redis-cli it
// skips the test, except under CI=true, where that is a failure.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	server, err1 := exec.LookPath("redis-server")
	cli, err2 := exec.LookPath("redis-cli")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server and redis-cli are needed for the cluster test under CI=true")
		}
		t.Skip("redis-server or redis-cli not installed: no local cluster")
	}
	dir := t.TempDir()
	c := &Cluster{}
	for i := range 3 {
		port := freePort(t)
		node := filepath.Join(dir, strconv.Itoa(i))
		if err := os.MkdirAll(node, 0o700); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(server, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(node, "nodes.conf"),
			"--cluster-node-timeout", "2000", "--dir", node, "--save", "", "--appendonly", "no",
			"--daemonize", "no", "--logfile", filepath.Join(node, "redis.log"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		addr := "127.0.0.1:" + strconv.Itoa(port)
		waitPing(t, addr)
		c.Addrs = append(c.Addrs, addr)
	}
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok := true
		for _, a := range c.Addrs {
			rdb := redis.NewClient(&redis.Options{Addr: a})
			info, err := rdb.ClusterInfo(context.Background()).Result()
			_ = rdb.Close()
			if err != nil || !strings.Contains(info, "cluster_state:ok") {
				ok = false
			}
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the cluster did not reach cluster_state:ok")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.URL = fmt.Sprintf("redis+cluster://%s?addr=%s&addr=%s", c.Addrs[0], c.Addrs[1], c.Addrs[2])
	return c
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitPing(t testing.TB, addr string) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for rdb.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis at %s did not come up", addr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
