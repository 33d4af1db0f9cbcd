package s3store

import (
	"fmt"
	"os"
)

// VersityGWEnv names the versitygw binary for tests. `make test` sets it to the binary CI
// installs; when it is set, a server that fails to start is an error, never a skip.
const VersityGWEnv = "DATAPLATFORMS_VERSITYGW"

// StartAll starts the embedded server and, when VersityGWEnv is set, versitygw: the servers
// storage tests run against. The second result says why versitygw is absent, if it is.
func StartAll() (servers []*Server, absent string, err error) {
	emb, err := StartEmbedded()
	if err != nil {
		return nil, "", err
	}
	servers = append(servers, emb)
	bin := os.Getenv(VersityGWEnv)
	if bin == "" {
		return servers, VersityGWEnv + " is not set; run `make test` to test against versitygw too", nil
	}
	vgw, err := StartVersityGW(bin)
	if err != nil {
		_ = emb.Close()
		return nil, "", fmt.Errorf("%s=%s: %w", VersityGWEnv, bin, err)
	}
	return append(servers, vgw), "", nil
}
