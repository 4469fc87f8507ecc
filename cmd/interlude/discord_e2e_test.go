package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/discordtest"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/telegramtest"
)

const discordToken = "MTA1NjE3.Gq0aBc.fake-discord-token-for-tests"

type dcRig struct {
	t    *testing.T
	dc   *discordtest.Server
	srv  *redistest.Server
	proc *proc
	addr string
	seen map[string]int
}

func startDiscord(t *testing.T, srv *redistest.Server, extra ...string) *dcRig {
	t.Helper()
	r := &dcRig{t: t, dc: discordtest.NewServer(t, discordtest.WithToken(discordToken), discordtest.WithHeartbeatInterval(2*time.Second)),
		srv: srv, addr: freeAddr(t), seen: map[string]int{}}
	env := baseEnv(append([]string{
		"INTERLUDE_DISCORD_TOKEN=" + discordToken,
		"INTERLUDE_DISCORD_APP_ID=" + r.dc.AppID,
		"INTERLUDE_DISCORD_API_URL=" + r.dc.URL,
		"INTERLUDE_REDIS_URL=" + srv.URL,
		"INTERLUDE_ENCRYPTION_KEY=" + testKey,
		"INTERLUDE_HTTP_ADDR=" + r.addr,
		"INTERLUDE_LEASE_TTL=2s",
		"INTERLUDE_LOG_FORMAT=json",
	}, extra...)...)
	r.proc = startProc(t, env, "run")
	deadline := time.Now().Add(30 * time.Second)
	for r.dc.Identified() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the bot never identified on the gateway:\n%s", r.proc.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.dc.WaitReady(t, 10*time.Second)
	r.dc.WaitFor(t, 10*time.Second, discordtest.Route("PUT /applications/*/commands"))
	return r
}

// unescape undoes the Markdown escaping of a message, to compare with plain text.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// expect waits for the next message in the channel (sent or edited in) that contains want.
func (r *dcRig) expect(channel, want string) map[string]any {
	r.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		msgs := r.dc.Messages(channel)
		for i := r.seen[channel]; i < len(msgs); i++ {
			if content, _ := msgs[i]["content"].(string); strings.Contains(unescape(content), want) {
				r.seen[channel] = i + 1
				return msgs[i]
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	var got []string
	for _, m := range r.dc.Messages(channel) {
		c, _ := m["content"].(string)
		got = append(got, unescape(c))
	}
	r.t.Fatalf("no message in %s with %q; messages:\n%s\nbot output:\n%s", channel, want, strings.Join(got, "\n---\n"), r.proc.output())
	return nil
}

// click presses the button with the label under message m.
func (r *dcRig) click(user, channel string, m map[string]any, label string) {
	r.t.Helper()
	raw, _ := json.Marshal(m["components"])
	var rows []struct {
		Components []struct {
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	_ = json.Unmarshal(raw, &rows)
	for _, row := range rows {
		for _, b := range row.Components {
			if b.Label == label {
				id, _ := m["id"].(string)
				r.dc.Dispatch(discordtest.ButtonClick(discordtest.NewID(), "tok"+discordtest.NewID(), r.dc.AppID, user, channel, id, b.CustomID))
				return
			}
		}
	}
	r.t.Fatalf("no button %q in %s", label, raw)
}

// onboard walks a client through /start by DM: the not-therapy statement before the consent
// question, consent by button, a zone, no appointment yet, Sunday check-ins.
func (r *dcRig) onboard(user, zone string) {
	r.t.Helper()
	ch := r.dc.DMChannel(user)
	r.dm(user, "/start")
	consent := r.expect(ch, "Is that OK?")
	if text := unescape(consent["content"].(string)); strings.Index(text, "not therapy") < 0 || strings.Index(text, "not therapy") > strings.Index(text, "Is that OK?") {
		r.t.Errorf("consent asked before the not-therapy statement: %q", text)
	}
	r.click(user, ch, consent, "Yes, keep my answers")
	r.expect(ch, "Which time zone")
	r.dm(user, zone)
	r.expect(ch, "usual therapy appointment")
	r.dm(user, "later")
	r.expect(ch, "weekly check-in suit you")
	r.dm(user, "Sunday 19:00")
	r.expect(ch, "All set")
}

func (r *dcRig) dm(user, text string) {
	r.dc.Dispatch(discordtest.DMMessage(r.dc.DMChannel(user), user, text))
}

func (r *dcRig) slash(user, channel, guild, name string, opts map[string]string) {
	r.dc.Dispatch(discordtest.SlashCommand(discordtest.NewID(), "tok"+discordtest.NewID(), r.dc.AppID, user, channel, name, guild, opts))
}

func TestDiscordClientJourney(t *testing.T) {
	srv := redistest.Start(t)
	r := startDiscord(t, srv)
	const user = "400000000000000001"
	ch := r.dc.DMChannel(user)

	// Slash commands were registered globally, usable in DMs, in English and German.
	cmds := r.dc.Commands(r.dc.AppID, "")
	if len(cmds) < 16 {
		t.Fatalf("%d slash commands registered", len(cmds))
	}
	raw, _ := json.Marshal(cmds[0])
	if !strings.Contains(string(raw), `"contexts":[1`) || !strings.Contains(string(raw), `"de"`) {
		t.Errorf("command without DM context or German: %s", raw)
	}

	// Onboarding by DM, with buttons.
	r.onboard(user, "Vienna")

	// A check-in through a slash command in the DM.
	r.slash(user, ch, "", "checkin", nil)
	mood := r.expect(ch, "How has your week been")
	r.click(user, ch, mood, "8")
	r.expect(ch, "word for how you feel")
	r.dm(user, "*bold* and @everyone")
	r.expect(ch, "moment this week")
	r.dm(user, "/skip")
	r.expect(ch, "One question")
	r.dm(user, "/skip")
	r.expect(ch, "next session")
	r.dm(user, "/skip")
	r.expect(ch, "that's it for this week")

	// /export: an attachment arrives.
	r.slash(user, ch, "", "export", nil)
	r.expect(ch, "as JSON")
	files := r.dc.Calls(func(c discordtest.Call) bool { return len(c.Files) > 0 })
	var export []byte
	for _, c := range files {
		for _, f := range c.Files {
			if strings.HasSuffix(f.Name, ".json") {
				export = f.Data
			}
		}
	}
	if !strings.Contains(string(export), `"feeling": "*bold* and @everyone"`) {
		t.Errorf("export attachment: %.200s", export)
	}

	// Nothing the client wrote was posted with its Markdown live or as a mention.
	for _, c := range r.dc.Calls(discordtest.Route("POST /channels/*/messages")) {
		if content, _ := c.Body["content"].(string); strings.Contains(content, "*bold*") || strings.Contains(content, " @everyone") {
			t.Errorf("client text posted unescaped: %q", content)
		}
	}

	// A slash command in a server: an ephemeral invitation, nothing posted in the server.
	r.dc.AddGuildChannel("700", "701")
	r.slash(user, "701", "700", "checkin", nil)
	cb := r.dc.WaitFor(t, 10*time.Second, func(c discordtest.Call) bool {
		return c.Matches("POST /interactions/*/*/callback") && strings.Contains(c.Path, "") && c.Body["data"] != nil &&
			strings.Contains(toJSON(c.Body["data"]), "direct message")
	})
	if flags, _ := cb.Body["data"].(map[string]any)["flags"].(float64); int(flags)&64 == 0 {
		t.Errorf("the guild reply is not ephemeral: %v", cb.Body)
	}
	if n := len(r.dc.MessagesTo("701")); n != 0 {
		t.Errorf("%d messages posted in the server channel", n)
	}
	r.dc.Dispatch(discordtest.GuildMessage("700", "701", user, "my private reflection"))
	time.Sleep(300 * time.Millisecond)
	if n := len(r.dc.MessagesTo("701")); n != 0 {
		t.Errorf("a server message was answered in the server")
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestDiscordCannotDMAndRateLimits(t *testing.T) {
	srv := redistest.Start(t)
	r := startDiscord(t, srv)
	const user = "400000000000000002"
	ch := r.dc.DMChannel(user)
	// A 429 while onboarding: the adapter waits what Discord says and the message arrives once.
	r.dc.FailNext("POST /channels/*/messages", 2, discordtest.RateLimit(0.2))
	r.onboard(user, "Berlin")
	if n := strings.Count(toJSON(r.dc.Messages(ch)), "All set"); n != 1 {
		t.Errorf("the answer arrived %d times", n)
	}

	// 50007: the client cannot be messaged; they are marked inactive and their reminders stop.
	r.dc.CannotDM(user)
	r.dm(user, "/help")
	waitNoReminders(t, srv, "after 50007, %d reminders still queued")
}

// TestDiscordAndTelegramClientsAreSeparate runs both adapters on one Redis: the same numeric id
// on both platforms is two clients, and neither can reach the other's data.
func TestDiscordAndTelegramClientsAreSeparate(t *testing.T) {
	srv := redistest.Start(t)
	tg := telegramtest.New(t, "")
	tg.SetMaxPollWait(200 * time.Millisecond)
	r := startDiscord(t, srv, "INTERLUDE_TELEGRAM_TOKEN="+tg.Token, "INTERLUDE_TELEGRAM_API_URL="+tg.URL, "INTERLUDE_TELEGRAM_POLL_TIMEOUT=1s")
	const id = "123456789"
	ch := r.dc.DMChannel(id)

	// On Discord: onboarded, in the middle of a check-in.
	r.onboard(id, "Berlin")
	r.dm(id, "/checkin")
	r.expect(ch, "How has your week been")
	r.dm(id, "5")
	r.expect(ch, "word for how you feel")
	r.dm(id, "discord-only-word")
	r.expect(ch, "moment this week")

	// On Telegram, the same number is someone new: asked for consent, nothing of the other.
	tgr := &tgRig{t: t, tg: tg, srv: srv, proc: r.proc, seen: map[int64]int{}}
	tg.Push(telegramtest.PrivateText(123456789, "/export"))
	export := tgr.expect(123456789, "as JSON")
	if strings.Contains(string(export.Files["document"].Data), "discord-only-word") {
		t.Fatal("the Telegram client's export holds the Discord client's answer")
	}
	tg.Push(telegramtest.PrivateText(123456789, "/checkin"))
	if msg := tgr.expect(123456789, "Is that OK?"); msg.Method != "sendMessage" {
		t.Errorf("Telegram client was not asked for consent")
	}
	// And /forget on Telegram leaves the Discord client whole.
	tg.Push(telegramtest.PrivateText(123456789, "/forget"))
	confirm := tgr.expect(123456789, "Erase everything?")
	tgr.press(123456789, confirm, "Yes, erase everything")
	tgr.expect(123456789, "erased")
	if n, _ := srv.Client().Exists(context.Background(), "interlude:{dc:123456789}:state").Result(); n != 1 {
		t.Error("the Discord client's state is gone after the Telegram client's /forget")
	}
	r.dm(id, "A moment")
	r.expect(ch, "One question")
}
