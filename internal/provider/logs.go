package provider

import "os"

// providerLogLevel is the variable that sets this provider's own logger's level (tflog):
// terraform-plugin-go names it TF_LOG_PROVIDER_ and the provider's name from its address.
// terraform's TF_LOG_PROVIDER is read by terraform alone, to filter what it keeps.
const providerLogLevel = "TF_LOG_PROVIDER_DATAPLATFORMS"

// logLevels are the variables by which a user asks for the plugin's logs: terraform's own
// (which it passes on) and the plugin's.
var logLevels = []string{"TF_LOG", "TF_LOG_PROVIDER", providerLogLevel, "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// QuietLogLevels are the plugin's log-level variables to set to OFF when terraform will not keep
// the plugin's logs: the provider's own and the SDK's when none of logLevels is set, none when
// the user asked for logs. Terraform drops every line the plugin logs unless TF_LOG (or
// TF_LOG_PROVIDER) asks for them, yet the plugin's loggers default to TRACE: without this each
// plan JSON-encodes and pipes a line per RPC, per planned attribute and per HTTP request, for
// nothing, and terraform parses each one before it drops it (a CPU profile of a 500-resource
// plan found 38% of the provider's time in the SDK's lines alone).
func QuietLogLevels() []string {
	for _, v := range logLevels {
		if os.Getenv(v) != "" {
			return nil
		}
	}
	return logLevels[2:]
}
