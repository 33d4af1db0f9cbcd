// Command sandbox (released as dataplatforms-sandbox) serves the platform fakes, an S3 endpoint
// and the admin API on loopback.
//
//	dataplatforms-sandbox [-listen 127.0.0.1] [-env-file PATH] [-fixtures DIR] [-faults FILE]
//	    [-s3-endpoint URL -s3-access-key K -s3-secret-key S | -versitygw PATH] [-version]
//
// It loads the files under -fixtures into the S3 store (DIR/<bucket>/<key>), adds the faults
// of -faults (a JSON array, as POST /faults takes them), prints one JSON line (endpoints,
// credentials, fixtures) once it is listening, writes `export NAME=value` lines for the
// provider into -env-file if given, and serves until SIGINT or SIGTERM. The env file and the
// JSON line come once fixtures and faults are in place.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	// Every platform fake, registered for the sandbox.
	_ "github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/fakes"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
)

// version is set by the release build.
var version = "dev"

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1", "host to listen on (every endpoint gets its own port)")
	envFile := flag.String("env-file", "", "write `export NAME=value` lines for the provider into this file")
	s3Endpoint := flag.String("s3-endpoint", "", "use this external S3-compatible server instead of the embedded one")
	s3Access := flag.String("s3-access-key", os.Getenv("SANDBOX_S3_ACCESS_KEY"), "access key of -s3-endpoint (or SANDBOX_S3_ACCESS_KEY)")
	s3Secret := flag.String("s3-secret-key", os.Getenv("SANDBOX_S3_SECRET_KEY"), "secret key of -s3-endpoint (or SANDBOX_S3_SECRET_KEY)")
	s3Region := flag.String("s3-region", "us-east-1", "region of -s3-endpoint")
	versity := flag.String("versitygw", "", "start this versitygw binary as the S3 store")
	seed := flag.Uint64("seed", 1, "seed of probabilistic faults")
	fixtures := flag.String("fixtures", "", "load the files under this directory into the S3 store: DIR/<bucket>/<key>")
	faultsFile := flag.String("faults", "", "add the faults of this JSON file (an array, as POST <admin>/faults takes them)")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("dataplatforms-sandbox", version)
		return nil
	}

	store, err := chooseStore(*s3Endpoint, *s3Access, *s3Secret, *s3Region, *versity)
	if err != nil {
		return err
	}
	if store != nil && store.Kind == s3store.VersityGW {
		defer func() { _ = store.Close() }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sb, err := sandbox.Start(ctx, sandbox.Options{Host: *listen, S3: store, Seed: *seed})
	if err != nil {
		return err
	}
	defer sb.Close()

	if *fixtures != "" {
		n, err := sb.LoadFixtures(ctx, *fixtures)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "sandbox: loaded %d fixture objects from %s\n", n, *fixtures)
	}
	if *faultsFile != "" {
		if err := addFaults(sb, *faultsFile); err != nil {
			return err
		}
	}
	if *envFile != "" {
		if err := writeEnvFile(*envFile, sb.Env()); err != nil {
			return err
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(sb); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// addFaults adds the faults of a JSON array file, each checked as POST /faults checks it.
func addFaults(sb *sandbox.Sandbox, path string) error {
	b, err := os.ReadFile(path) //nolint:gosec // the file the user named
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var faults []sandbox.Fault
	if err := dec.Decode(&faults); err != nil {
		return fmt.Errorf("%s: a JSON array of faults: %w", path, err)
	}
	for i, f := range faults {
		if _, err := sb.AddFault(f); err != nil {
			return fmt.Errorf("%s: fault %d: %w", path, i+1, err)
		}
	}
	return nil
}

func chooseStore(endpoint, access, secret, region, versity string) (*s3store.Server, error) {
	switch {
	case endpoint != "" && versity != "":
		return nil, errors.New("-s3-endpoint and -versitygw exclude each other")
	case endpoint != "":
		if access == "" || secret == "" {
			return nil, errors.New("-s3-endpoint needs -s3-access-key and -s3-secret-key")
		}
		return &s3store.Server{Kind: s3store.External, Endpoint: endpoint, Region: region, AccessKey: access, SecretKey: secret}, nil
	case versity != "":
		return s3store.StartVersityGW(versity)
	}
	return nil, nil
}

// writeEnvFile writes the variables for a POSIX shell, single-quoted, readable by the owner only.
func writeEnvFile(path string, env [][2]string) error {
	var b strings.Builder
	b.WriteString("# written by the dataplatforms sandbox; source it to point the provider at the sandbox\n")
	for _, kv := range env {
		fmt.Fprintf(&b, "export %s='%s'\n", kv[0], strings.ReplaceAll(kv[1], "'", `'\''`))
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
