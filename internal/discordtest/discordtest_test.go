package discordtest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/internal/discordtest"
)

const wait = 5 * time.Second

// TestMain fails the run when discordgo, gorilla or discordtest goroutines
// outlive the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := waitNoLeaks(5 * time.Second); leaked != "" {
			fmt.Fprintf(os.Stderr, "leaked goroutines:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

func waitNoLeaks(timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "waitNoLeaks") {
				continue
			}
			if strings.Contains(g, "bwmarrin/discordgo") || strings.Contains(g, "gorilla/websocket") ||
				strings.Contains(g, "internal/discordtest") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return ""
		}
		if time.Now().After(deadline) {
			return strings.Join(leaked, "\n\n")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const dmIntents = discordgo.IntentsDirectMessages | discordgo.IntentsGuildMessages | discordgo.IntentsGuilds

// newSession returns a discordgo session pointed at srv, not yet opened.
func newSession(t *testing.T, srv *discordtest.Server, token string) *discordgo.Session {
	t.Helper()
	sess, err := discordgo.New(token)
	if err != nil {
		t.Fatal(err)
	}
	srv.Configure(sess)
	sess.Identify.Intents = dmIntents
	if os.Getenv("DGDEBUG") != "" { // DGDEBUG=1 go test -v: discordgo's own log
		sess.LogLevel = discordgo.LogInformational
	}
	return sess
}

// openSession opens a session and closes it at the end of the test (before
// the server's own cleanup, which was registered first).
func openSession(t *testing.T, srv *discordtest.Server) *discordgo.Session {
	t.Helper()
	sess := newSession(t, srv, "Bot x")
	if err := sess.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = discordtest.CloseSession(sess) })
	return sess
}

func restError(t *testing.T, err error) *discordgo.RESTError {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *discordgo.RESTError", err, err)
	}
	if re.Message == nil {
		t.Fatalf("RESTError without decoded message: %s", re.ResponseBody)
	}
	return re
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		var zero T
		t.Fatalf("timed out waiting for %T", zero)
		return zero
	}
}

func TestOpenIdentifyReady(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.WithHeartbeatInterval(100*time.Millisecond))
	sess := openSession(t, srv)

	if got := srv.Identified(); got != 1 {
		t.Fatalf("Identified = %d, want 1", got)
	}
	id := srv.Identifies()[0]
	if id.Token != "Bot x" || id.Intents != int64(dmIntents) {
		t.Errorf("identify token %q intents %d, want %q %d", id.Token, id.Intents, "Bot x", dmIntents)
	}
	if sess.State.User == nil || sess.State.User.ID != srv.BotID || !sess.State.User.Bot {
		t.Fatalf("State.User = %+v, want bot %s", sess.State.User, srv.BotID)
	}
	if sess.State.Ready.SessionID == "" || sess.State.Application == nil || sess.State.Application.ID != srv.AppID {
		t.Errorf("Ready = %+v", sess.State.Ready)
	}
	if c := srv.Calls(discordtest.Route("GET /gateway")); len(c) != 1 || c[0].Version != "9" {
		t.Errorf("GET /gateway calls = %+v", c)
	}
	srv.WaitReady(t, wait)
	deadline := time.Now().Add(wait)
	for srv.Heartbeats() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("heartbeats = %d, want >= 2", srv.Heartbeats())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDMMessageReachesHandler(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := openSession(t, srv)
	got := make(chan *discordgo.MessageCreate, 4)
	sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })

	ch := srv.DMChannel("42")
	if n := srv.Dispatch(discordtest.DMMessage(ch, "42", "hello")); n != 1 {
		t.Fatalf("Dispatch reached %d sessions, want 1", n)
	}
	m := recv(t, got)
	if m.Content != "hello" || m.ChannelID != ch || m.GuildID != "" || m.Author.ID != "42" || m.Author.Bot {
		t.Fatalf("message = %+v author %+v", m.Message, m.Author)
	}
	if m.Timestamp.IsZero() {
		t.Error("timestamp not parsed")
	}

	srv.AddGuildChannel("900", "901")
	srv.Dispatch(discordtest.GuildMessage("900", "901", "42", "in guild"))
	m = recv(t, got)
	if m.GuildID != "900" || m.Member == nil {
		t.Fatalf("guild message = %+v", m.Message)
	}
	// No MESSAGE_CONTENT intent: guild content is blanked, as on Discord.
	if m.Content != "" {
		t.Errorf("guild content = %q without MESSAGE_CONTENT intent, want empty", m.Content)
	}
}

func TestIntentGating(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := newSession(t, srv, "Bot x")
	sess.Identify.Intents = discordgo.IntentsGuilds // no DIRECT_MESSAGES
	if err := sess.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = discordtest.CloseSession(sess) })
	if n := srv.Dispatch(discordtest.DMMessage(srv.DMChannel("1"), "1", "hi")); n != 0 {
		t.Errorf("DM dispatched to %d sessions without DIRECT_MESSAGES intent, want 0", n)
	}
	// Interactions need no intent.
	if n := srv.Dispatch(discordtest.SlashCommand("", "", srv.AppID, "1", srv.DMChannel("1"), "ping", "", nil)); n != 1 {
		t.Errorf("interaction dispatched to %d sessions, want 1", n)
	}
}

func TestSendComplexWithButtonAndFile(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := openSession(t, srv)
	echoed := make(chan *discordgo.MessageCreate, 4)
	sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { echoed <- m })

	ch, err := sess.UserChannelCreate("42")
	if err != nil {
		t.Fatal(err)
	}
	if ch.ID != srv.DMChannel("42") || ch.Type != discordgo.ChannelTypeDM || len(ch.Recipients) != 1 || ch.Recipients[0].ID != "42" {
		t.Fatalf("channel = %+v", ch)
	}
	again, err := sess.UserChannelCreate("42")
	if err != nil || again.ID != ch.ID {
		t.Fatalf("second UserChannelCreate = %v, %v; want same id %s", again, err, ch.ID)
	}

	png := []byte("\x89PNG fake image")
	msg, err := sess.ChannelMessageSendComplex(ch.ID, &discordgo.MessageSend{
		Content: "How are you today?",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Good", CustomID: "mood:good", Style: discordgo.SuccessButton},
			discordgo.Button{Label: "Bad", CustomID: "mood:bad", Style: discordgo.DangerButton},
		}}},
		Files: []*discordgo.File{{Name: "chart.png", ContentType: "image/png", Reader: bytes.NewReader(png)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID == "" || msg.ChannelID != ch.ID || msg.Author == nil || msg.Author.ID != srv.BotID {
		t.Fatalf("message = %+v", msg)
	}
	row, ok := msg.Components[0].(*discordgo.ActionsRow)
	if !ok || len(row.Components) != 2 || row.Components[0].(*discordgo.Button).CustomID != "mood:good" {
		t.Fatalf("components = %#v", msg.Components)
	}
	if len(msg.Attachments) != 1 || msg.Attachments[0].Filename != "chart.png" || msg.Attachments[0].Size != len(png) {
		t.Fatalf("attachments = %+v", msg.Attachments)
	}

	calls := srv.MessagesTo(ch.ID)
	if len(calls) != 1 {
		t.Fatalf("MessagesTo = %d calls, want 1", len(calls))
	}
	c := calls[0]
	if c.Body["content"] != "How are you today?" {
		t.Errorf("content = %v", c.Body["content"])
	}
	comps := c.Body["components"].([]any)[0].(map[string]any)["components"].([]any)
	if b := comps[1].(map[string]any); b["custom_id"] != "mood:bad" || b["type"] != float64(2) {
		t.Errorf("button = %v", b)
	}
	if len(c.Files) != 1 || c.Files[0].Field != "files[0]" || c.Files[0].Name != "chart.png" || !bytes.Equal(c.Files[0].Data, png) {
		t.Errorf("files = %+v", c.Files)
	}

	// The attachment URL points at the CDN; the rewrite transport serves it.
	resp, err := sess.Client.Get(msg.Attachments[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if !bytes.Equal(data, png) {
		t.Errorf("downloaded attachment = %q", data)
	}

	// Discord echoes the bot's own message to the gateway.
	if m := recv(t, echoed); m.ID != msg.ID || m.Author.ID != srv.BotID {
		t.Errorf("echo = %+v", m.Message)
	}

	// Editing away the buttons.
	empty := []discordgo.MessageComponent{}
	edited, err := sess.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: msg.ID, Channel: ch.ID, Components: &empty})
	if err != nil {
		t.Fatal(err)
	}
	if len(edited.Components) != 0 || edited.EditedTimestamp == nil {
		t.Errorf("edited = %+v", edited)
	}
	if st, _ := srv.Message(msg.ID); len(st["components"].([]any)) != 0 || st["content"] != "How are you today?" {
		t.Errorf("stored = %v", st)
	}
}

func TestRateLimitIsRetriedByDiscordgo(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := newSession(t, srv, "Bot x")
	limited := make(chan *discordgo.RateLimit, 4)
	sess.AddHandler(func(_ *discordgo.Session, r *discordgo.RateLimit) { limited <- r })
	ch := srv.DMChannel("42")

	srv.FailNext("POST /channels/*/messages", 1, discordtest.RateLimit(0.05))
	start := time.Now()
	if _, err := sess.ChannelMessageSend(ch, "after the wait"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("send took %v, want >= 50ms (retry_after)", d)
	}
	if r := recv(t, limited); r.RetryAfter != 50*time.Millisecond || r.Message != "You are being rate limited." {
		t.Errorf("RateLimit event = %+v", r.TooManyRequests)
	}
	calls := srv.Calls(discordtest.Route("POST /channels/*/messages"))
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("calls = %d (%v)", len(calls), calls)
	}
	if n := len(srv.MessagesTo(ch)); n != 1 {
		t.Errorf("MessagesTo = %d, want 1", n)
	}

	// A global limit is retried as well.
	srv.FailNext("", 2, discordtest.GlobalRateLimit(0.01))
	if _, err := sess.ChannelMessageSend(ch, "global"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.MessagesTo(ch)); n != 2 {
		t.Errorf("MessagesTo = %d, want 2", n)
	}
}

func TestRateLimitWireShape(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	srv.FailNext("GET /users/@me", 1, discordtest.RateLimit(0.25))
	client := &http.Client{Transport: discordtest.RewriteTransport(srv.URL)}
	resp, err := client.Get("https://discord.com/api/v10/users/@me")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 429 || body["message"] != "You are being rate limited." || body["retry_after"] != 0.25 || body["global"] != false {
		t.Errorf("429 = %d %v", resp.StatusCode, body)
	}
	for k, want := range map[string]string{
		"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "0.250", "Retry-After": "1", "X-RateLimit-Scope": "user",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if resp.Header.Get("X-RateLimit-Bucket") == "" || resp.Header.Get("X-RateLimit-Reset") == "" {
		t.Errorf("headers = %v", resp.Header)
	}
}

func TestCannotDM(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := newSession(t, srv, "Bot x")
	srv.CannotDM("43")
	ch, err := sess.UserChannelCreate("43")
	if err != nil {
		t.Fatalf("opening the DM channel should work: %v", err)
	}
	_, err = sess.ChannelMessageSend(ch.ID, "hi")
	re := restError(t, err)
	if re.Message.Code != 50007 || re.Message.Message != "Cannot send messages to this user" || re.Response.StatusCode != 403 {
		t.Fatalf("error = %v", re)
	}

	// The same as a one-off fault.
	ok := srv.DMChannel("44")
	srv.FailNext("POST /channels/"+ok+"/messages", 1, discordtest.CannotSendToUser())
	_, err = sess.ChannelMessageSend(ok, "hi")
	if re := restError(t, err); re.Message.Code != 50007 {
		t.Fatalf("error = %v", re)
	}
	if _, err := sess.ChannelMessageSend(ok, "hi again"); err != nil {
		t.Fatalf("fault should be used up: %v", err)
	}
}

func TestUnknownRoutesAndChannels(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := newSession(t, srv, "Bot x")

	_, err := sess.Request("GET", discordgo.EndpointAPI+"no/such/route", nil)
	if re := restError(t, err); re.Response.StatusCode != 404 || re.Message.Message != "404: Not Found" || re.Message.Code != 0 {
		t.Errorf("unknown route = %v", re)
	}
	// A user ID is not a channel ID.
	_, err = sess.ChannelMessageSend("42", "hi")
	if re := restError(t, err); re.Message.Code != 10003 {
		t.Errorf("unknown channel = %v", re)
	}
	ch := srv.DMChannel("42")
	_, err = sess.ChannelMessageSend(ch, strings.Repeat("x", 2001))
	if re := restError(t, err); re.Message.Code != 50035 {
		t.Errorf("long content = %v", re)
	}
	_, err = sess.ChannelMessageSendComplex(ch, &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "b", CustomID: strings.Repeat("c", 101)}}},
	}})
	if re := restError(t, err); re.Message.Code != 50035 || !strings.Contains(string(re.ResponseBody), "custom_id") {
		t.Errorf("long custom_id = %v", re)
	}
	if _, err := sess.ChannelMessageSend(ch, ""); restError(t, err).Message.Code != 50006 {
		t.Errorf("empty message = %v", err)
	}
}

// messageSendWithNonce adds the fields discordgo v0.29's MessageSend lacks.
type messageSendWithNonce struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

func sendWithNonce(t *testing.T, sess *discordgo.Session, channelID, content, nonce string, enforce bool) *discordgo.Message {
	t.Helper()
	ep := discordgo.EndpointChannelMessages(channelID)
	body, err := sess.RequestWithBucketID("POST", ep, messageSendWithNonce{
		MessageSend: &discordgo.MessageSend{Content: content}, Nonce: nonce, EnforceNonce: enforce,
	}, ep)
	if err != nil {
		t.Fatal(err)
	}
	var m discordgo.Message
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func TestEnforceNonceReturnsFirstMessage(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := newSession(t, srv, "Bot x")
	ch := srv.DMChannel("42")

	first := sendWithNonce(t, sess, ch, "reminder", "rem-1", true)
	second := sendWithNonce(t, sess, ch, "reminder", "rem-1", true)
	if first.ID == "" || second.ID != first.ID {
		t.Fatalf("ids %q and %q, want the same", first.ID, second.ID)
	}
	if n := len(srv.MessagesTo(ch)); n != 1 {
		t.Errorf("MessagesTo = %d, want 1", n)
	}
	calls := srv.Calls(discordtest.Route("POST /channels/*/messages"))
	if len(calls) != 2 || calls[0].Body["nonce"] != "rem-1" || calls[0].Body["enforce_nonce"] != true || !calls[1].Deduplicated {
		t.Errorf("calls = %+v", calls)
	}
	// Without enforce_nonce a repeated nonce creates a new message.
	third := sendWithNonce(t, sess, ch, "reminder", "rem-1", false)
	if third.ID == first.ID {
		t.Error("nonce without enforce_nonce deduplicated")
	}
}

func TestCommandsAndInteractions(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := openSession(t, srv)
	interactions := make(chan *discordgo.InteractionCreate, 4)
	sess.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { interactions <- i })

	dm := []discordgo.InteractionContextType{discordgo.InteractionContextBotDM}
	install := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	cmds := []*discordgo.ApplicationCommand{{
		Name:                     "checkin",
		NameLocalizations:        &map[discordgo.Locale]string{discordgo.German: "eintrag"},
		Description:              "Log how you feel",
		DescriptionLocalizations: &map[discordgo.Locale]string{discordgo.German: "Wie geht es dir?"},
		Contexts:                 &dm,
		IntegrationTypes:         &install,
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "mood", Description: "Your mood", Required: true,
		}},
	}}
	created, err := sess.ApplicationCommandBulkOverwrite(srv.AppID, "", cmds)
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 1 || created[0].ID == "" || created[0].ApplicationID != srv.AppID {
		t.Fatalf("created = %+v", created)
	}
	put := srv.WaitFor(t, wait, discordtest.Route("PUT /applications/*/commands"))
	sent := put.Array[0].(map[string]any)
	if sent["name_localizations"].(map[string]any)["de"] != "eintrag" || sent["contexts"].([]any)[0] != float64(1) ||
		sent["integration_types"].([]any)[0] != float64(0) || sent["description_localizations"] == nil {
		t.Errorf("sent command = %v", sent)
	}
	if got := srv.Commands(srv.AppID, ""); len(got) != 1 || got[0]["name"] != "checkin" {
		t.Errorf("Commands = %v", got)
	}
	// Discord rejects locales it does not know.
	bad := []*discordgo.ApplicationCommand{{Name: "x", Description: "x",
		NameLocalizations: &map[discordgo.Locale]string{"de-DE": "x"}}}
	if _, err := sess.ApplicationCommandBulkOverwrite(srv.AppID, "", bad); restError(t, err).Message.Code != 50035 {
		t.Errorf("bad locale = %v", err)
	}

	// Slash command in a DM.
	ch := srv.DMChannel("42")
	srv.Dispatch(discordtest.SlashCommand("", "", srv.AppID, "42", ch, "checkin", "", map[string]string{"mood": "5"}))
	i := recv(t, interactions)
	if i.Type != discordgo.InteractionApplicationCommand || i.User == nil || i.User.ID != "42" || i.Member != nil ||
		i.GuildID != "" || i.Context != discordgo.InteractionContextBotDM || i.ChannelID != ch {
		t.Fatalf("interaction = %+v", i.Interaction)
	}
	data := i.ApplicationCommandData()
	if data.Name != "checkin" || data.ID != created[0].ID || data.Options[0].StringValue() != "5" {
		t.Fatalf("data = %+v", data)
	}
	err = sess.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "Noted.", Flags: discordgo.MessageFlagsEphemeral},
	})
	if err != nil {
		t.Fatal(err)
	}
	cb := srv.WaitFor(t, wait, discordtest.Route("POST /interactions/"+i.ID+"/*/callback"))
	if cb.Status != 204 || cb.Body["type"] != float64(4) || cb.Body["data"].(map[string]any)["flags"] != float64(64) {
		t.Errorf("callback = %d %v", cb.Status, cb.Body)
	}
	// A second initial response is rejected.
	err = sess.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if re := restError(t, err); re.Message.Code != 40060 {
		t.Errorf("second response = %v", re)
	}
	orig, err := sess.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: ptr("Noted, thanks.")})
	if err != nil || orig.Content != "Noted, thanks." || orig.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("edit original = %+v, %v", orig, err)
	}
	follow, err := sess.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "One more thing"})
	if err != nil || follow.ID == "" || follow.ChannelID != ch {
		t.Fatalf("followup = %+v, %v", follow, err)
	}
	if n := len(srv.Messages(ch)); n != 2 {
		t.Errorf("Messages(ch) = %d, want 2 (response and follow-up)", n)
	}

	// Button click on a message with buttons; the update removes them.
	msg, err := sess.ChannelMessageSendComplex(ch, &discordgo.MessageSend{
		Content: "Did it help?",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Yes", CustomID: "helped:yes"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Dispatch(discordtest.ButtonClick("", "", srv.AppID, "42", ch, msg.ID, "helped:yes"))
	i = recv(t, interactions)
	if i.Type != discordgo.InteractionMessageComponent || i.MessageComponentData().CustomID != "helped:yes" ||
		i.MessageComponentData().ComponentType != discordgo.ButtonComponent || i.Message == nil ||
		i.Message.ID != msg.ID || len(i.Message.Components) != 1 {
		t.Fatalf("click = %+v message %+v", i.Interaction, i.Message)
	}
	err = sess.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: "Thanks!", Components: []discordgo.MessageComponent{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := srv.Message(msg.ID); st["content"] != "Thanks!" || len(st["components"].([]any)) != 0 {
		t.Errorf("updated message = %v", st)
	}

	// Slash command in a guild.
	srv.Dispatch(discordtest.SlashCommand("", "", srv.AppID, "42", "901", "checkin", "900", nil))
	i = recv(t, interactions)
	if i.GuildID != "900" || i.Member == nil || i.Member.User.ID != "42" || i.User != nil || i.Context != discordgo.InteractionContextGuild {
		t.Fatalf("guild interaction = %+v", i.Interaction)
	}
	if err := sess.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: ptr("done")}); err != nil {
		t.Fatal(err)
	}
}

func TestInteractionDeadline(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.WithInteractionDeadline(50*time.Millisecond))
	sess := newSession(t, srv, "Bot x")
	_, d := discordtest.SlashCommand("1234", "tok", srv.AppID, "42", srv.DMChannel("42"), "checkin", "", nil)
	srv.Dispatch("INTERACTION_CREATE", d)
	time.Sleep(80 * time.Millisecond)
	err := sess.InteractionRespond(&discordgo.Interaction{ID: "1234", Token: "tok"},
		&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if re := restError(t, err); re.Message.Code != 10062 || re.Response.StatusCode != 404 {
		t.Fatalf("late response = %v", re)
	}
}

func TestResume(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := openSession(t, srv)
	got := make(chan *discordgo.MessageCreate, 4)
	sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	ch := srv.DMChannel("42")

	srv.Disconnect()
	// Dispatched while the client is away: replayed on RESUME.
	srv.Dispatch(discordtest.DMMessage(ch, "42", "while away"))
	if m := recv(t, got); m.Content != "while away" {
		t.Fatalf("got %q", m.Content)
	}
	if srv.Resumed() != 1 || srv.Identified() != 1 {
		t.Errorf("resumed %d identified %d, want 1 and 1", srv.Resumed(), srv.Identified())
	}
	srv.Dispatch(discordtest.DMMessage(ch, "42", "after resume"))
	if m := recv(t, got); m.Content != "after resume" {
		t.Fatalf("got %q", m.Content)
	}

	// Op 7: discordgo closes with 1012 and resumes.
	srv.RequestReconnect()
	deadline := time.Now().Add(wait)
	for srv.Resumed() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("resumed = %d after op 7, want 2", srv.Resumed())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Close (code 1000) ends the session; discordgo's RESUME on the next Open
	// gets op 9 and it identifies again. WaitReady makes sure the resumed
	// connection's heartbeat goroutine runs before we close it.
	srv.WaitReady(t, wait)
	if err := discordtest.CloseSession(sess); err != nil {
		t.Fatal(err)
	}
	if err := sess.Open(); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(wait)
	for srv.Identified() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("identified = %d, want 2", srv.Identified())
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.WaitReady(t, wait)
}

func TestToken(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.WithToken("secret"))
	wrong := newSession(t, srv, "Bot wrong")
	if _, err := wrong.User("@me"); restError(t, err).Response.StatusCode != 401 {
		t.Errorf("wrong token REST = %v", err)
	}
	if err := wrong.Open(); err == nil {
		_ = discordtest.CloseSession(wrong)
		t.Fatal("Open with a wrong token succeeded")
	}
	right := newSession(t, srv, "Bot secret")
	if u, err := right.User("@me"); err != nil || u.ID != srv.BotID {
		t.Fatalf("User(@me) = %v, %v", u, err)
	}
}

func TestRewriteTransport(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	client := &http.Client{Transport: discordtest.RewriteTransport(srv.URL)}
	resp, err := client.Get("https://discord.com/api/v9/gateway/bot")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		URL    string `json:"url"`
		Shards int    `json:"shards"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.URL != srv.GatewayURL || body.Shards != 1 || !strings.HasPrefix(body.URL, "ws://") {
		t.Errorf("gateway/bot = %+v", body)
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "" || resp.Header.Get("X-RateLimit-Reset-After") == "" {
		t.Errorf("rate limit headers missing: %v", resp.Header)
	}
	if _, err := (&http.Client{Transport: discordtest.RewriteTransport("not a url")}).Get("https://discord.com/"); err == nil {
		t.Error("bad base URL accepted")
	}
}

type fatalRecorder struct {
	testing.TB
	failed string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

func TestWaitForTimesOut(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	rec := &fatalRecorder{TB: t}
	srv.WaitFor(rec, 20*time.Millisecond, discordtest.Route("POST /never"))
	if !strings.Contains(rec.failed, "no matching call") {
		t.Errorf("Fatalf message = %q", rec.failed)
	}
}

func ptr[T any](v T) *T { return &v }
