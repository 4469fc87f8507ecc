package discord

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/bots/adapter"
	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/wait"
)

// ack acknowledges an interaction; it returns whether there is work left to do.
func (a *Adapter) ack(i *discordgo.InteractionCreate) bool {
	ctx, cancel := context.WithTimeout(a.ctx, 2500*time.Millisecond)
	defer cancel()
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		if !inBotDM(i.Interaction) {
			// Never in a server or a group DM: an ephemeral invitation to a DM, seen only by
			// the person, in their language.
			a.respond(ctx, i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{
					Content:         escape(adapter.Say(a.engine, string(i.Locale), adapter.DMOnly)),
					Flags:           discordgo.MessageFlagsEphemeral,
					AllowedMentions: &discordgo.MessageAllowedMentions{},
				},
			})
			return false
		}
		a.respond(ctx, i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		return true
	case discordgo.InteractionMessageComponent:
		a.respond(ctx, i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		return inBotDM(i.Interaction)
	}
	return false
}

// handleTimeout bounds the work for one event, the retries of an unsaved one included.
var handleTimeout = 2 * time.Minute // a var for tests

// onMessage handles a message: in a DM it goes to the engine; elsewhere it is ignored.
func (a *Adapter) onMessage(m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot || m.GuildID != "" {
		return
	}
	in := flows.Inbound{User: userKey(m.Author.ID), UpdateID: "dc:" + m.ID, Text: m.Content}
	a.converse(in, channel{a: a, id: m.ChannelID})
}

// onEdit reads an edited DM for risk only: an edit never changes a kept answer. It is tried
// once: the client is not told when it could not be read.
func (a *Adapter) onEdit(m *discordgo.MessageUpdate) {
	if m.Message == nil || m.Author == nil || m.Author.Bot || m.GuildID != "" || m.Content == "" {
		return
	}
	ctx, cancel := context.WithTimeout(a.ctx, handleTimeout)
	defer cancel()
	in := flows.Inbound{User: userKey(m.Author.ID), Text: m.Content, Edited: true}
	_ = adapter.Turn(ctx, a.engine, a.log, in, channel{a: a, id: m.ChannelID})
}

// onInteraction handles slash commands and button presses, acknowledged already (Discord
// wants an answer within 3 s; see ack).
func (a *Adapter) onInteraction(i *discordgo.InteractionCreate) {
	user := interactionUser(i)
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		text := "/" + data.Name
		for _, o := range data.Options {
			if o.Type == discordgo.ApplicationCommandOptionString {
				text += " " + o.StringValue()
			}
		}
		in := flows.Inbound{User: userKey(user), UpdateID: "dc:" + i.ID, Text: text, LanguageHint: string(i.Locale)}
		a.converse(in, deferred{a: a, i: i.Interaction})
	case discordgo.InteractionMessageComponent:
		in := flows.Inbound{User: userKey(user), UpdateID: "dc:" + i.ID, Button: i.MessageComponentData().CustomID, LanguageHint: string(i.Locale)}
		c := channel{a: a, id: i.ChannelID}
		if i.Message != nil {
			c.pressed = i.Message.ID
		}
		a.converse(in, c)
	}
}

// converse runs one turn. The gateway does not deliver an event again, so one the store did
// not save is tried again for a while (up to handleTimeout) before the client is told.
func (a *Adapter) converse(in flows.Inbound, c adapter.Chat) {
	ctx, cancel := context.WithTimeout(a.ctx, handleTimeout)
	defer cancel()
	err := adapter.UntilSaved(ctx, a.log, "discord: event", &wait.Backoff{Max: 10 * time.Second}, func() error {
		return adapter.Turn(ctx, a.engine, a.log, in, c)
	})
	if err != nil {
		adapter.Notify(ctx, a.engine, in, c, adapter.NotSaved)
	}
}

// channel is a DM channel an event came from, and the message whose button was pressed if any.
type channel struct {
	a       *Adapter
	id      string
	pressed string
}

func (c channel) Send(ctx context.Context, outs []flows.Outbound) error {
	return c.a.sendEach(ctx, c.id, outs, "")
}

// RemoveButtons takes the buttons off the answered question.
func (c channel) RemoveButtons(ctx context.Context) {
	if c.pressed != "" {
		c.a.removeButtons(ctx, c.id, c.pressed)
	}
}

// deferred is a slash command acknowledged with "thinking…": the first reply fills in that
// answer, and the rest follow in the channel.
type deferred struct {
	a *Adapter
	i *discordgo.Interaction
}

func (d deferred) Send(ctx context.Context, outs []flows.Outbound) error {
	if len(outs) == 0 {
		outs = []flows.Outbound{{Text: "✓"}}
	}
	msgs := render(outs[0])
	first := msgs[0]
	edit := &discordgo.WebhookEdit{Content: &first.Content, Components: &first.Components, Files: first.Files, AllowedMentions: first.AllowedMentions}
	err := d.a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := d.a.s.InteractionResponseEdit(d.i, edit, opts...)
		return err
	})
	if err != nil {
		d.a.log.Warn("discord: deferred answer not edited", "error", errKind(err))
	}
	if err := d.a.sendAll(ctx, d.i.ChannelID, msgs[1:], ""); err != nil {
		return mapErr(err)
	}
	return d.a.sendEach(ctx, d.i.ChannelID, outs[1:], "")
}
