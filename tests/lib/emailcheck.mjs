// Check an HTML e-mail against caniemail's data with the npm package
// @jsx-email/doiuse-email, installed under NPM_DIR (its node_modules).
//
//     node emailcheck.mjs NPM_DIR FILE.html CLIENT-GLOB...
//
// Prints each feature the data marks unsupported by one of the clients,
// one line each ("`display:grid` is not supported by `gmail.ios`"),
// sorted and without repeats; nothing when there is none.  Exits 3 when
// the package cannot be loaded.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [npmDir, file, ...clients] = process.argv.slice(2);
let doIUseEmail;
try {
	const require = createRequire(join(resolve(npmDir), 'package.json'));
	({ doIUseEmail } = require('@jsx-email/doiuse-email'));
} catch (e) {
	console.error(`emailcheck: cannot load @jsx-email/doiuse-email from ${npmDir}: ${e.message}`);
	process.exit(3);
}
const html = readFileSync(file, 'utf8');
const found = new Set();
for (const c of clients) {
	const r = doIUseEmail(html, { emailClients: [c] });
	for (const e of r.errors || [])
		found.add(e);
}
for (const e of [...found].sort())
	console.log(e);
