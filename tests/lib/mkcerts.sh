#!/bin/sh
# Test certificates, made fresh in DIR so none expire in the repository:
#   ca.pem                 a test CA
#   server.pem server.key  localhost / 127.0.0.1, signed by the test CA
#   rogue.pem rogue.key    localhost / 127.0.0.1, self-signed (untrusted)
#   wrongname.pem .key     signed by the test CA for another host name
# Needs openssl (Debian package openssl).  Exit status 2 when missing.
set -eu
dir=$1
command -v openssl >/dev/null 2>&1 || exit 2
cd "$dir"
q() { "$@" >/dev/null 2>&1; }
san="subjectAltName=DNS:localhost,IP:127.0.0.1"
q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ac test CA" \
	-keyout ca.key -out ca.pem \
	-addext "basicConstraints=critical,CA:true" \
	-addext "keyUsage=critical,keyCertSign,cRLSign"
mk() {	# name subject-alt-name
	q openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" \
		-keyout "$1.key" -out "$1.csr"
	printf '%s\nbasicConstraints=CA:false\nextendedKeyUsage=serverAuth\n' \
		"$2" >"$1.ext"
	q openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key \
		-CAcreateserial -days 2 -extfile "$1.ext" -out "$1.pem"
}
mk server "$san"
mk wrongname "subjectAltName=DNS:elsewhere.invalid"
q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
	-keyout rogue.key -out rogue.pem -addext "$san"
