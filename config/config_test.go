package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/config"
)

func env(m map[string]string) config.Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.TelegramAPIURL != "https://api.telegram.org" || c.ConsentVersion != 1 || c.Retention != 365*24*time.Hour {
		t.Errorf("defaults: %+v", c)
	}
	if c.Platforms() {
		t.Error("platforms configured with no tokens")
	}
}

func TestBadValuesNameTheVariableAndHideSecrets(t *testing.T) {
	const secret = "s3cr3t-value"
	tests := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"INTERLUDE_REDIS_URL": "redis://:" + secret + "@host:notaport"}, "INTERLUDE_REDIS_URL: not a valid Redis URL"},
		{map[string]string{"INTERLUDE_REDIS_URL": "mysql://" + secret}, "INTERLUDE_REDIS_URL: not a valid Redis URL"},
		{map[string]string{"INTERLUDE_REDIS_URL": "redis://:" + secret + "@host:99999/0"}, "INTERLUDE_REDIS_URL: a port must be a number from 1 to 65535"},
		{map[string]string{"INTERLUDE_LOG_LEVEL": "loud"}, `INTERLUDE_LOG_LEVEL: must be one of debug, info, warn, error, got "loud"`},
		{map[string]string{"INTERLUDE_LOG_FORMAT": "xml"}, "INTERLUDE_LOG_FORMAT: must be text or json"},
		{map[string]string{"INTERLUDE_ENCRYPTION_KEY": secret}, "INTERLUDE_ENCRYPTION_KEY: must be 32 bytes, base64-encoded"},
		{map[string]string{"INTERLUDE_ENCRYPTION_KEY": "c2hvcnQ="}, "INTERLUDE_ENCRYPTION_KEY: must be 32 bytes, base64-encoded (it is 5 bytes)"},
		{map[string]string{"INTERLUDE_ENCRYPTION_OLD_KEYS": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=," + secret}, "INTERLUDE_ENCRYPTION_OLD_KEYS: key 2 must be 32 bytes"},
		{map[string]string{"INTERLUDE_EPHEMERAL": "maybe"}, "INTERLUDE_EPHEMERAL: must be true or false"},
		{map[string]string{"INTERLUDE_CONSENT_VERSION": "0"}, "INTERLUDE_CONSENT_VERSION: must be a whole number of at least 1"},
		{map[string]string{"INTERLUDE_RETENTION": "1h"}, "INTERLUDE_RETENTION: must be a duration of at least one day"},
		{map[string]string{"INTERLUDE_TELEGRAM_API_URL": "ftp://x"}, "INTERLUDE_TELEGRAM_API_URL: must be an http:// or https:// URL"},
		{map[string]string{"INTERLUDE_TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg"}, "INTERLUDE_TELEGRAM_WEBHOOK_SECRET: is required in webhook mode"},
		{map[string]string{"INTERLUDE_DISCORD_TOKEN": secret}, "INTERLUDE_DISCORD_APP_ID: is required"},
	}
	for _, tt := range tests {
		_, err := config.Load(env(tt.vars))
		if err == nil {
			t.Errorf("%v: no error", tt.vars)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%v:\n got %q\nwant %q…", tt.vars, err, tt.want)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line without secrets: %q", err)
		}
	}
}

func TestServingAPlatformNeedsRedisAndAKey(t *testing.T) {
	base := map[string]string{"INTERLUDE_TELEGRAM_TOKEN": "123456:AAbbccddeeffgghhiijjkkll"}
	c, err := config.Load(env(base))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckServe(); err == nil || !strings.HasPrefix(err.Error(), "INTERLUDE_REDIS_URL:") {
		t.Errorf("platform on the embedded store: %v", err)
	}
	base["INTERLUDE_EPHEMERAL"] = "true"
	c, _ = config.Load(env(base))
	if err := c.CheckServe(); err == nil || !strings.HasPrefix(err.Error(), "INTERLUDE_ENCRYPTION_KEY:") {
		t.Errorf("platform without a key: %v", err)
	}
	base["INTERLUDE_ALLOW_PLAINTEXT"] = "true"
	c, _ = config.Load(env(base))
	if err := c.CheckServe(); err != nil {
		t.Errorf("explicitly allowed: %v", err)
	}
}

func TestRedisURLForms(t *testing.T) {
	for _, u := range []string{
		"redis://localhost:6379/0", "rediss://user:pw@redis.example.org:6380", "unix:///run/redis.sock",
		"redis+sentinel://s1:26379?master_name=mymaster&addr=s2:26379",
		"redis+cluster://n1:7000?addr=n2:7000&addr=n3:7000",
	} {
		if _, err := config.Load(env(map[string]string{"INTERLUDE_REDIS_URL": u})); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := config.Load(env(map[string]string{"INTERLUDE_REDIS_URL": "redis+sentinel://s1:26379"})); err == nil {
		t.Error("a sentinel URL without master_name was accepted")
	}
}

func TestRetentionInDays(t *testing.T) {
	c, err := config.Load(env(map[string]string{"INTERLUDE_RETENTION": "30d"}))
	if err != nil || c.Retention != 30*24*time.Hour {
		t.Errorf("30d: %v %v", c, err)
	}
}
