package main

import (
	"github.com/interlude-bot/interlude/config"
	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/store"
)

// storageOf says how this configuration keeps what clients write, so that the bot's promises
// (consent question, /help, /settings) match it.
func storageOf(cfg *config.Config, sealer *store.Sealer) flows.Storage {
	switch {
	case cfg.RedisURL == "":
		return flows.StorageTrial
	case !sealer.Encrypts():
		return flows.StoragePlaintext
	}
	return flows.StorageEncrypted
}
