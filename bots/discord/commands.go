package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/flows"
)

// options are the slash command options: commands that take what they would ask for.
// Command names stay English in every language: the texts on every platform name them
// (/checkin), and a German name would not be found by what they say.
var options = map[string]struct{ name, nameDE, en, de string }{
	"session":  {"when", "wann", "e.g. thu 18:30, every other tuesday 6:30pm, none", "z. B. Do 18:30, jeden zweiten Dienstag 18:30, keiner"},
	"schedule": {"when", "wann", "e.g. sunday 19:00", "z. B. Sonntag 19:00"},
	"timezone": {"zone", "zeitzone", "a city, a zone name or an offset", "eine Stadt, ein Zonenname oder eine Zeitverschiebung"},
	"pause":    {"until", "bis", "e.g. 2027-01-06 or 2 weeks", "z. B. 6.1.2027 oder 2 Wochen"},
}

func (a *Adapter) registerCommands(ctx context.Context) error {
	lib := a.engine.Library()
	// Installable to a server and to a client's own account, so that a client can use the bot
	// without sharing a server with it. Usable in the bot's DM; in a server only to be told to
	// come to a DM. Never offered in group DMs (a user install would otherwise show them there).
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextBotDM, discordgo.InteractionContextGuild}
	integration := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall}
	var cmds []*discordgo.ApplicationCommand
	for _, c := range flows.Commands {
		de := map[discordgo.Locale]string{discordgo.German: lib.String("cmd_"+c, "de")}
		cmd := &discordgo.ApplicationCommand{
			Name:                     c,
			Description:              lib.String("cmd_"+c, "en"),
			DescriptionLocalizations: &de,
			Contexts:                 &contexts,
			IntegrationTypes:         &integration,
		}
		if o, ok := options[c]; ok {
			ode := map[discordgo.Locale]string{discordgo.German: o.de}
			nde := map[discordgo.Locale]string{discordgo.German: o.nameDE}
			cmd.Options = []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: o.name, NameLocalizations: nde,
				Description: o.en, DescriptionLocalizations: ode,
			}}
		}
		cmds = append(cmds, cmd)
	}
	return a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := a.s.ApplicationCommandBulkOverwrite(a.cfg.AppID, "", cmds, opts...)
		return err
	})
}
