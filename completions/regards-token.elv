
use builtin;
use str;

set edit:completion:arg-completer[regards-token] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'regards-token'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'regards-token'= {
            cand --profile 'Use this profile of the config file, for a command that reads it [env: REGARDS_PROFILE]'
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Print an access token: the cached one while it lasts, else a new one'
            cand login 'Log in once and remember the password in the system keyring, so that later runs renew tokens without asking'
            cand status 'List the cached tokens with their expiry, and the remembered passwords'
            cand logout 'Remove cached tokens, and forget remembered passwords (unless --keep-password)'
            cand exec 'Run a command with a token in its environment (REGARDS_TOKEN)'
            cand inspect 'Decode a token offline and show its claims (never its signature)'
            cand doctor 'Check the set-up: config, cache store, server, TLS, clock'
            cand config 'Show where the config file is and what the settings resolve to'
            cand completions 'Print a shell completion script'
            cand man 'Print a manual page (roff): the tool''s, or one command''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regards-token;get'= {
            cand --profile 'Use this profile of the config file [env: REGARDS_PROFILE]'
            cand --host 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]'
            cand -s 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand --scope 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand -u 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --username 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --client-id 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]'
            cand --client-secret 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag''s value is visible to every user in `ps`'
            cand --request-style 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]'
            cand --retries 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway''s own 503) [default: 2]'
            cand --ca-cert 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]'
            cand --timeout 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]'
            cand --password-file 'Read the password from the first line of this file'
            cand --cache 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]'
            cand --min-ttl 'Do not use a cached token with less time left than this, 0s to 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]'
            cand --lock-timeout 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]'
            cand --format 'What to print: token, json, header (an HTTP header line), env (a shell `export` line) or curl (a curl config line)'
            cand --insecure 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)'
            cand --allow-http 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
            cand --password-stdin 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)'
            cand --no-cache 'Short for --cache none'
            cand --refresh 'Ignore the cached token: log in again and cache the new token'
            cand --no-login 'Use the cached token if it is usable, else exit with code 7 without asking for a password or sending anything'
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;login'= {
            cand --profile 'Use this profile of the config file [env: REGARDS_PROFILE]'
            cand --host 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]'
            cand -s 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand --scope 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand -u 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --username 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --client-id 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]'
            cand --client-secret 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag''s value is visible to every user in `ps`'
            cand --request-style 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]'
            cand --retries 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway''s own 503) [default: 2]'
            cand --ca-cert 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]'
            cand --timeout 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]'
            cand --password-file 'Read the password from the first line of this file'
            cand --cache 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]'
            cand --lock-timeout 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]'
            cand --insecure 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)'
            cand --allow-http 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
            cand --password-stdin 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)'
            cand --no-cache 'Short for --cache none'
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;status'= {
            cand --format 'text: one line per token; json: an array of objects'
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;logout'= {
            cand --profile 'Use this profile of the config file [env: REGARDS_PROFILE]'
            cand --host 'Remove the tokens of this gateway [env: REGARDS_HOST, then REGARDS_BASE_URL]'
            cand -s 'Remove the tokens of this project [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand --scope 'Remove the tokens of this project [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand -u 'Remove the tokens of this login [env: REGARDS_USERNAME]'
            cand --username 'Remove the tokens of this login [env: REGARDS_USERNAME]'
            cand --all 'Remove every cached token, whatever the variables above say'
            cand --keep-password 'Keep the remembered passwords of these accounts (by default they are forgotten with the tokens)'
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;exec'= {
            cand --profile 'Use this profile of the config file [env: REGARDS_PROFILE]'
            cand --host 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]'
            cand -s 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand --scope 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand -u 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --username 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --client-id 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]'
            cand --client-secret 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag''s value is visible to every user in `ps`'
            cand --request-style 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]'
            cand --retries 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway''s own 503) [default: 2]'
            cand --ca-cert 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]'
            cand --timeout 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]'
            cand --password-file 'Read the password from the first line of this file'
            cand --cache 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]'
            cand --min-ttl 'Do not use a cached token with less time left than this, 0s to 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]'
            cand --lock-timeout 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]'
            cand --insecure 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)'
            cand --allow-http 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
            cand --password-stdin 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)'
            cand --no-cache 'Short for --cache none'
            cand --refresh 'Ignore the cached token: log in again and cache the new token'
            cand --no-login 'Use the cached token if it is usable, else exit with code 7 without asking for a password or sending anything'
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;inspect'= {
            cand --profile 'Use this profile of the config file [env: REGARDS_PROFILE]'
            cand --format 'text: one claim per line; json: a JSON document'
            cand --host 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]'
            cand -s 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand --scope 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand -u 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --username 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --client-id 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]'
            cand --cache 'The store to read the cached token from: auto, keyring or file [env: REGARDS_TOKEN_CACHE] [default: auto]'
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;doctor'= {
            cand --profile 'Use this profile of the config file [env: REGARDS_PROFILE]'
            cand --host 'The gateway''s base URL to check [env: REGARDS_HOST, then REGARDS_BASE_URL]'
            cand --ca-cert 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]'
            cand --timeout 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]'
            cand --cache 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]'
            cand --insecure 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)'
            cand --allow-http 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
            cand --no-cache 'Short for --cache none'
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;config'= {
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand path 'Print the config file''s path'
            cand show 'Print every resolved setting and where it came from (secrets redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regards-token;config;path'= {
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;config;show'= {
            cand --profile 'Use this profile of the config file [env: REGARDS_PROFILE]'
            cand --host 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]'
            cand -s 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand --scope 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]'
            cand -u 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --username 'The login, usually an e-mail address [env: REGARDS_USERNAME]'
            cand --client-id 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]'
            cand --client-secret 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag''s value is visible to every user in `ps`'
            cand --request-style 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]'
            cand --retries 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway''s own 503) [default: 2]'
            cand --ca-cert 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]'
            cand --timeout 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]'
            cand --password-file 'Read the password from the first line of this file'
            cand --cache 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]'
            cand --min-ttl 'Do not use a cached token with less time left than this, 0s to 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]'
            cand --lock-timeout 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]'
            cand --insecure 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)'
            cand --allow-http 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
            cand --password-stdin 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)'
            cand --no-cache 'Short for --cache none'
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;config;help'= {
            cand path 'Print the config file''s path'
            cand show 'Print every resolved setting and where it came from (secrets redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regards-token;config;help;path'= {
        }
        &'regards-token;config;help;show'= {
        }
        &'regards-token;config;help;help'= {
        }
        &'regards-token;completions'= {
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;man'= {
            cand -v 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand --verbose 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regards-token;help'= {
            cand get 'Print an access token: the cached one while it lasts, else a new one'
            cand login 'Log in once and remember the password in the system keyring, so that later runs renew tokens without asking'
            cand status 'List the cached tokens with their expiry, and the remembered passwords'
            cand logout 'Remove cached tokens, and forget remembered passwords (unless --keep-password)'
            cand exec 'Run a command with a token in its environment (REGARDS_TOKEN)'
            cand inspect 'Decode a token offline and show its claims (never its signature)'
            cand doctor 'Check the set-up: config, cache store, server, TLS, clock'
            cand config 'Show where the config file is and what the settings resolve to'
            cand completions 'Print a shell completion script'
            cand man 'Print a manual page (roff): the tool''s, or one command''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regards-token;help;get'= {
        }
        &'regards-token;help;login'= {
        }
        &'regards-token;help;status'= {
        }
        &'regards-token;help;logout'= {
        }
        &'regards-token;help;exec'= {
        }
        &'regards-token;help;inspect'= {
        }
        &'regards-token;help;doctor'= {
        }
        &'regards-token;help;config'= {
            cand path 'Print the config file''s path'
            cand show 'Print every resolved setting and where it came from (secrets redacted)'
        }
        &'regards-token;help;config;path'= {
        }
        &'regards-token;help;config;show'= {
        }
        &'regards-token;help;completions'= {
        }
        &'regards-token;help;man'= {
        }
        &'regards-token;help;help'= {
        }
    ]
    $completions[$command]
}
