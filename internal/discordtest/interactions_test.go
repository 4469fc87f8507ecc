package discordtest_test

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/internal/discordtest"
)

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
