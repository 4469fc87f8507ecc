package discord

import (
	"github.com/bwmarrin/discordgo"
)

// inBotDM reports whether an interaction happened in the client's DM with the bot: the only
// place where anything personal is shown. Servers and group DMs (where a user-installed app
// can be used too) get an ephemeral invitation to a DM.
func inBotDM(i *discordgo.Interaction) bool {
	// A server's interaction always carries its guild_id; a group DM's has the
	// PrivateChannel context (an interaction from before user installs has no context, which
	// reads as 0, and came from the bot's DM when it had no guild_id).
	return i.GuildID == "" && i.Context != discordgo.InteractionContextPrivateChannel
}
