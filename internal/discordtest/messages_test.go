package discordtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/internal/discordtest"
)

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
