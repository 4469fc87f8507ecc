package storeconf_test

import (
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/internal/storeconf"
)

func TestParseKey(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", true},
		{"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", true},
		{"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd", false},
		{"not base64 at all!", false},
	} {
		if _, err := storeconf.ParseKey(tt.in); (err == nil) != tt.ok {
			t.Errorf("ParseKey(%q) err = %v", tt.in, err)
		}
	}
}

// Every kind of URL reads, says where it points without the password, and a bad one is an
// error that does not quote it.
func TestParseRedisURL(t *testing.T) {
	const secret = "s3cr3t-pass"
	for _, tt := range []struct {
		in, where string
	}{
		{"redis://:" + secret + "@redis:6379/0", "redis:6379"},
		{"rediss://redis", "redis:6379"},
		{"unix:///run/redis.sock?db=2", "unix:///run/redis.sock"},
		{"redis+sentinel://:" + secret + "@s1:26379?master_name=main&addr=s2:26379", "sentinel main via s1:26379,s2:26379"},
		{"rediss+cluster://c1:7000?addr=c2:7000", "cluster c1:7000,c2:7000"},
	} {
		r, err := storeconf.ParseRedisURL(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if n := btoi(r.Single != nil) + btoi(r.Sentinel != nil) + btoi(r.Cluster != nil); n != 1 {
			t.Errorf("%s: %d kinds set", tt.in, n)
		}
		if r.Where != tt.where {
			t.Errorf("%s: where %q, want %q", tt.in, r.Where, tt.where)
		}
	}
	for _, in := range []string{
		"redis://:" + secret + "@host:notaport", "mysql://" + secret, "redis+sentinel://s1:26379",
		"redis://h?" + secret + "=1", "redis+cluster://" + secret + "@c1:7000?nope=1", "unix://",
		// Ports go-redis takes, and every dial then fails on, for ever.
		"redis://:" + secret + "@h:99999/0", "redis://h:0", "redis+sentinel://s1:70000?master_name=m",
		"redis+cluster://c1:7000?addr=c2:123456",
	} {
		_, err := storeconf.ParseRedisURL(in)
		if err == nil {
			t.Errorf("%s: no error", in)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error quotes the URL: %v", in, err)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
