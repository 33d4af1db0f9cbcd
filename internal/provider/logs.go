package provider

import "os"

// logLevels are the variables that set the plugin's log levels: TF_LOG (terraform's own, which
// it passes on) and the SDK's.
var logLevels = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// QuietLogLevels are the SDK's log-level variables to set to OFF when terraform will not keep
// the plugin's logs: all of them when none of logLevels is set, none when the user asked for
// logs. Terraform drops every line the plugin logs unless TF_LOG (or TF_LOG_PROVIDER) asks for
// them, yet the SDK's loggers default to TRACE: without this each plan JSON-encodes and pipes a
// trace line per RPC and per planned attribute, for nothing (a CPU profile of a 500-resource
// plan found 38% of the provider's time there).
func QuietLogLevels() []string {
	for _, v := range logLevels {
		if os.Getenv(v) != "" {
			return nil
		}
	}
	return logLevels[1:]
}
