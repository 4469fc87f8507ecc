// Package storeconf reads the store's settings: where Redis is (a URL) and the keys that seal
// records. Both are pure functions: nothing here builds a client, opens a connection or links
// the store, so config can check a setting without dragging in the store.
//
// Reading a Redis URL is go-redis's own parsing (ParseURL, ParseFailoverURL, ParseClusterURL):
// each of the three accepts its own thirty-odd query options, which change between go-redis
// releases, and a copy of them here would drift from the client that later connects. So this
// package links go-redis's options (not the store, not miniredis).
package storeconf

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Redis is where a Redis URL points: exactly one of Single, Sentinel and Cluster is set.
type Redis struct {
	Single   *redis.Options
	Sentinel *redis.FailoverOptions
	Cluster  *redis.ClusterOptions
	// Where says where it points, without any password, for logs and errors.
	Where string
}

// ParseRedisURL reads a Redis URL:
//
//	redis://[user:password@]host:port[/db]     one server (rediss:// with TLS)
//	unix:///path/to/redis.sock                 one server on a unix socket
//	redis+sentinel://host:port?master_name=mymaster&addr=host2:port2   Sentinel (rediss+sentinel:// with TLS)
//	redis+cluster://host:port?addr=host2:port2&addr=host3:port3        Cluster (rediss+cluster:// with TLS)
//
// Its errors never quote the URL (and with it a password).
func ParseRedisURL(rawURL string) (Redis, error) {
	scheme, rest, _ := strings.Cut(rawURL, "://")
	switch scheme {
	case "redis+cluster", "rediss+cluster":
		o, err := redis.ParseClusterURL(strings.TrimSuffix(scheme, "+cluster") + "://" + rest)
		if err != nil {
			return Redis{}, errors.New("redis URL: not a valid cluster URL")
		}
		if err := checkPorts(o.Addrs...); err != nil {
			return Redis{}, err
		}
		return Redis{Cluster: o, Where: "cluster " + strings.Join(o.Addrs, ",")}, nil
	case "redis+sentinel", "rediss+sentinel":
		o, err := redis.ParseFailoverURL(strings.TrimSuffix(scheme, "+sentinel") + "://" + rest)
		if err != nil || o.MasterName == "" {
			return Redis{}, errors.New("redis URL: not a valid sentinel URL (it needs ?master_name=…)")
		}
		if err := checkPorts(o.SentinelAddrs...); err != nil {
			return Redis{}, err
		}
		return Redis{Sentinel: o, Where: "sentinel " + o.MasterName + " via " + strings.Join(o.SentinelAddrs, ",")}, nil
	}
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return Redis{}, errors.New("redis URL: not a valid Redis URL")
	}
	where := o.Addr
	if o.Network == "unix" {
		where = "unix://" + o.Addr
	} else if err := checkPorts(o.Addr); err != nil {
		return Redis{}, err
	}
	return Redis{Single: o, Where: where}, nil
}

// checkPorts refuses an address whose port no server can listen on: go-redis takes it, and
// then fails every dial, for as long as the bot runs.
func checkPorts(addrs ...string) error {
	for _, a := range addrs {
		_, port, err := net.SplitHostPort(a)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 1 || n > 65535 {
			return errors.New("redis URL: a port must be a number from 1 to 65535")
		}
	}
	return nil
}

// ParseKey decodes a base64 key of 32 bytes (standard or URL alphabet, padding optional).
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != 32 {
				return nil, fmt.Errorf("must be 32 bytes, base64-encoded (it is %d bytes)", len(k))
			}
			return k, nil
		}
	}
	return nil, errors.New("must be 32 bytes, base64-encoded (it is not valid base64)")
}
