
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'regards-token' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'regards-token'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'regards-token' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this profile of the config file, for a command that reads it [env: REGARDS_PROFILE]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print an access token: the cached one while it lasts, else a new one')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in once and remember the password in the system keyring, so that later runs renew tokens without asking')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List the cached tokens with their expiry, and the remembered passwords')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove cached tokens, and forget remembered passwords (unless --keep-password)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with a token in its environment (REGARDS_TOKEN)')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a token offline and show its claims (never its signature)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the set-up: config, cache store, server, TLS, clock')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show where the config file is and what the settings resolve to')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a manual page (roff): the tool''s, or one command''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regards-token;get' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this profile of the config file [env: REGARDS_PROFILE]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag''s value is visible to every user in `ps`')
            [CompletionResult]::new('--request-style', '--request-style', [CompletionResultType]::ParameterName, 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway''s own 503) [default: 2]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Do not use a cached token with less time left than this, 0s to 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'What to print: token, json, header (an HTTP header line), env (a shell `export` line) or curl (a curl config line)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Short for --cache none')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore the cached token: log in again and cache the new token')
            [CompletionResult]::new('--no-login', '--no-login', [CompletionResultType]::ParameterName, 'Use the cached token if it is usable, else exit with code 7 without asking for a password or sending anything')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;login' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this profile of the config file [env: REGARDS_PROFILE]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag''s value is visible to every user in `ps`')
            [CompletionResult]::new('--request-style', '--request-style', [CompletionResultType]::ParameterName, 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway''s own 503) [default: 2]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Short for --cache none')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;status' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'text: one line per token; json: an array of objects')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;logout' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this profile of the config file [env: REGARDS_PROFILE]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Remove the tokens of this gateway [env: REGARDS_HOST, then REGARDS_BASE_URL]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Remove the tokens of this project [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Remove the tokens of this project [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Remove the tokens of this login [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'Remove the tokens of this login [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every cached token, whatever the variables above say')
            [CompletionResult]::new('--keep-password', '--keep-password', [CompletionResultType]::ParameterName, 'Keep the remembered passwords of these accounts (by default they are forgotten with the tokens)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;exec' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this profile of the config file [env: REGARDS_PROFILE]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag''s value is visible to every user in `ps`')
            [CompletionResult]::new('--request-style', '--request-style', [CompletionResultType]::ParameterName, 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway''s own 503) [default: 2]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Do not use a cached token with less time left than this, 0s to 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Short for --cache none')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Ignore the cached token: log in again and cache the new token')
            [CompletionResult]::new('--no-login', '--no-login', [CompletionResultType]::ParameterName, 'Use the cached token if it is usable, else exit with code 7 without asking for a password or sending anything')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;inspect' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this profile of the config file [env: REGARDS_PROFILE]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'text: one claim per line; json: a JSON document')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'The store to read the cached token from: auto, keyring or file [env: REGARDS_TOKEN_CACHE] [default: auto]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;doctor' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this profile of the config file [env: REGARDS_PROFILE]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The gateway''s base URL to check [env: REGARDS_HOST, then REGARDS_BASE_URL]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Short for --cache none')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;config' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print every resolved setting and where it came from (secrets redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regards-token;config;path' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;config;show' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Use this profile of the config file [env: REGARDS_PROFILE]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The gateway''s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--username', '--username', [CompletionResultType]::ParameterName, 'The login, usually an e-mail address [env: REGARDS_USERNAME]')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]')
            [CompletionResult]::new('--client-secret', '--client-secret', [CompletionResultType]::ParameterName, 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag''s value is visible to every user in `ps`')
            [CompletionResult]::new('--request-style', '--request-style', [CompletionResultType]::ParameterName, 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway''s own 503) [default: 2]')
            [CompletionResult]::new('--ca-cert', '--ca-cert', [CompletionResultType]::ParameterName, 'A PEM file of extra certificate authorities to trust, in addition to the system''s [env: REGARDS_CA_CERT]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]')
            [CompletionResult]::new('--password-file', '--password-file', [CompletionResultType]::ParameterName, 'Read the password from the first line of this file')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]')
            [CompletionResult]::new('--min-ttl', '--min-ttl', [CompletionResultType]::ParameterName, 'Do not use a cached token with less time left than this, 0s to 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s TLS certificate (dangerous: the password can be intercepted)')
            [CompletionResult]::new('--allow-http', '--allow-http', [CompletionResultType]::ParameterName, 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Short for --cache none')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;config;help' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print every resolved setting and where it came from (secrets redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regards-token;config;help;path' {
            break
        }
        'regards-token;config;help;show' {
            break
        }
        'regards-token;config;help;help' {
            break
        }
        'regards-token;completions' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;man' {
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regards-token;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print an access token: the cached one while it lasts, else a new one')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Log in once and remember the password in the system keyring, so that later runs renew tokens without asking')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List the cached tokens with their expiry, and the remembered passwords')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove cached tokens, and forget remembered passwords (unless --keep-password)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with a token in its environment (REGARDS_TOKEN)')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a token offline and show its claims (never its signature)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the set-up: config, cache store, server, TLS, clock')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show where the config file is and what the settings resolve to')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a manual page (roff): the tool''s, or one command''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regards-token;help;get' {
            break
        }
        'regards-token;help;login' {
            break
        }
        'regards-token;help;status' {
            break
        }
        'regards-token;help;logout' {
            break
        }
        'regards-token;help;exec' {
            break
        }
        'regards-token;help;inspect' {
            break
        }
        'regards-token;help;doctor' {
            break
        }
        'regards-token;help;config' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the config file''s path')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print every resolved setting and where it came from (secrets redacted)')
            break
        }
        'regards-token;help;config;path' {
            break
        }
        'regards-token;help;config;show' {
            break
        }
        'regards-token;help;completions' {
            break
        }
        'regards-token;help;man' {
            break
        }
        'regards-token;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
