package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/flows"
)

// takesText are the commands that take what they would ask for as a slash command option,
// named and described by the library strings "cmdarg_<command>_name" and "cmdarg_<command>".
// Command names stay English in every language: the texts on every platform name them
// (/checkin), and a German name would not be found by what they say.
var takesText = map[string]bool{"session": true, "schedule": true, "timezone": true, "pause": true}

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
		if takesText[c] {
			name, text := "cmdarg_"+c+"_name", "cmdarg_"+c
			cmd.Options = []*discordgo.ApplicationCommandOption{{
				Type:              discordgo.ApplicationCommandOptionString,
				Name:              lib.String(name, "en"),
				NameLocalizations: map[discordgo.Locale]string{discordgo.German: lib.String(name, "de")},
				Description:       lib.String(text, "en"),
				DescriptionLocalizations: map[discordgo.Locale]string{
					discordgo.German: lib.String(text, "de"),
				},
			}}
		}
		cmds = append(cmds, cmd)
	}
	return a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := a.s.ApplicationCommandBulkOverwrite(a.cfg.AppID, "", cmds, opts...)
		return err
	})
}
