<#
.SYNOPSIS
    Helpers dot-sourced by every ResyncGlb operation script in this folder.

.DESCRIPTION
    The scripts in ps1/ are called by the ResyncGlb bundle (src/operations/windows) through one
    node-powershell session, always as

        & '<absolute path of the script>' '<base64 of a UTF-8 JSON request>'

    so no caller data is ever part of script text. Each script dot-sources this file, decodes its
    request with ConvertFrom-DssRequest, does its work and writes exactly one line: a compressed
    JSON envelope, {"ok":true,"data":...} or {"ok":false,"error":{"id","category","message","target"}}.

    Everything here is PowerShell 2.0 language and .NET 2.0 API, on purpose:
      * JSON is read and written by the small functions below, not by ConvertFrom-Json or
        ConvertTo-Json. Those cmdlets do not exist in PowerShell 2.0, and where they do exist they
        change data: ConvertFrom-Json in PowerShell 7 turns date-like strings into DateTime, and in
        Windows PowerShell 5.1 turns "/Date(0)/" into a DateTime. A requestor name must arrive
        byte for byte, so the parser below keeps every string a string.
      * The envelope is written as pure ASCII (every character above 0x7E is escaped as \uXXXX), so
        it reaches Node intact whatever the console code page of the child is.

    Names of registry keys, values, types and services are never written here: they come from
    src/shared/dss-contract.json, sent by the TypeScript side inside each request.

    Transports (the "transport" field of every request):
      Local     the operation runs in this PowerShell process (the workstation is the DSS).
      Remoting  the operation's core scriptblock runs on the DSS through the PSSession that
                Initialize-DssSession.ps1 opened ($global:ResyncGlbDss.Session). Those scriptblocks
                use only PowerShell 2.0 language and cmdlets and return plain hashtables.
      Rpc       for a DSS without PowerShell: remote registry, remote service control and the
                administrative share, driven from this process.

.NOTES
    ASCII only. Part of ResyncGlb; see docs/ARCHITECTURE.md.
#>

Set-StrictMode -Version 2

# ---------------------------------------------------------------------------------------------
# Failures with a ResyncGlb error id
# ---------------------------------------------------------------------------------------------

function New-DssException {
    <#
    .SYNOPSIS
        Builds an exception that carries a ResyncGlb error id (src/core/errors.ts) and a target.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Id,
        [Parameter(Mandatory=$true)][string]$Message,
        [string]$Target
    )
    $ex = New-Object System.InvalidOperationException($Message)
    $ex.Data['ResyncGlbId'] = $Id
    $ex.Data['ResyncGlbTarget'] = $Target
    return $ex
}

function New-DssFailure {
    <#
    .SYNOPSIS
        The hashtable a core scriptblock or a script returns for an expected failure.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Id,
        [Parameter(Mandatory=$true)][string]$Message,
        [string]$Target,
        [string]$Category = 'NotSpecified'
    )
    return @{ ok = $false; error = @{ id = $Id; category = $Category; message = $Message; target = $Target } }
}

# ---------------------------------------------------------------------------------------------
# JSON (PowerShell 2.0 compatible; see the description above for why not ConvertFrom-Json)
# ---------------------------------------------------------------------------------------------

function ConvertFrom-DssJson {
    <#
    .SYNOPSIS
        Parses JSON text into hashtables, object arrays, strings, booleans, numbers and $null.
    .DESCRIPTION
        Strings stay strings, exactly as sent. Integral numbers become [long], others [double].
    #>
    param([Parameter(Mandatory=$true)][AllowEmptyString()][string]$Json)
    $state = @{ Text = $Json; Pos = 0 }
    $value = Read-DssJsonValue -State $state
    Skip-DssJsonSpace -State $state
    if ($state.Pos -ne $state.Text.Length) {
        throw (New-DssException -Id 'ProtocolError' -Message ('Unexpected text after the JSON value at offset ' + $state.Pos + '.'))
    }
    return ,$value
}

function Skip-DssJsonSpace {
    param([Parameter(Mandatory=$true)][hashtable]$State)
    $t = $State.Text
    while ($State.Pos -lt $t.Length) {
        $c = $t[$State.Pos]
        if ($c -eq ' ' -or $c -eq "`t" -or $c -eq "`r" -or $c -eq "`n") { $State.Pos++ } else { break }
    }
}

function Read-DssJsonValue {
    param([Parameter(Mandatory=$true)][hashtable]$State)
    Skip-DssJsonSpace -State $State
    $t = $State.Text
    if ($State.Pos -ge $t.Length) {
        throw (New-DssException -Id 'ProtocolError' -Message 'The JSON text ended where a value was expected.')
    }
    $c = $t[$State.Pos]
    if ($c -eq '{') {
        $State.Pos++
        $result = @{}
        Skip-DssJsonSpace -State $State
        if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq '}') { $State.Pos++; return ,$result }
        while ($true) {
            Skip-DssJsonSpace -State $State
            if ($State.Pos -ge $t.Length -or $t[$State.Pos] -ne '"') {
                throw (New-DssException -Id 'ProtocolError' -Message ('A JSON object key was expected at offset ' + $State.Pos + '.'))
            }
            $key = Read-DssJsonString -State $State
            Skip-DssJsonSpace -State $State
            if ($State.Pos -ge $t.Length -or $t[$State.Pos] -ne ':') {
                throw (New-DssException -Id 'ProtocolError' -Message ('":" was expected at offset ' + $State.Pos + '.'))
            }
            $State.Pos++
            $result[$key] = Read-DssJsonValue -State $State
            Skip-DssJsonSpace -State $State
            if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq ',') { $State.Pos++; continue }
            if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq '}') { $State.Pos++; return ,$result }
            throw (New-DssException -Id 'ProtocolError' -Message ('"," or "}" was expected at offset ' + $State.Pos + '.'))
        }
    }
    if ($c -eq '[') {
        $State.Pos++
        $list = New-Object System.Collections.ArrayList
        Skip-DssJsonSpace -State $State
        if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq ']') { $State.Pos++; return ,($list.ToArray()) }
        while ($true) {
            $item = Read-DssJsonValue -State $State
            [void]$list.Add($item)
            Skip-DssJsonSpace -State $State
            if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq ',') { $State.Pos++; continue }
            if ($State.Pos -lt $t.Length -and $t[$State.Pos] -eq ']') { $State.Pos++; return ,($list.ToArray()) }
            throw (New-DssException -Id 'ProtocolError' -Message ('"," or "]" was expected at offset ' + $State.Pos + '.'))
        }
    }
    if ($c -eq '"') { return (Read-DssJsonString -State $State) }
    if ($t.Length -ge $State.Pos + 4 -and $t.Substring($State.Pos, 4) -eq 'true') { $State.Pos += 4; return $true }
    if ($t.Length -ge $State.Pos + 5 -and $t.Substring($State.Pos, 5) -eq 'false') { $State.Pos += 5; return $false }
    if ($t.Length -ge $State.Pos + 4 -and $t.Substring($State.Pos, 4) -eq 'null') { $State.Pos += 4; return $null }
    $m = [System.Text.RegularExpressions.Regex]::Match($t.Substring($State.Pos), '^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?')
    if ($m.Success -and $m.Length -gt 0) {
        $State.Pos += $m.Length
        $inv = [System.Globalization.CultureInfo]::InvariantCulture
        if ($m.Groups[2].Success -or $m.Groups[3].Success) {
            return [double]::Parse($m.Value, [System.Globalization.NumberStyles]::Float, $inv)
        }
        return [long]::Parse($m.Value, [System.Globalization.NumberStyles]::AllowLeadingSign, $inv)
    }
    throw (New-DssException -Id 'ProtocolError' -Message ('Unexpected character in JSON at offset ' + $State.Pos + '.'))
}

function Read-DssJsonString {
    param([Parameter(Mandatory=$true)][hashtable]$State)
    $t = $State.Text
    $State.Pos++  # the opening quote
    $sb = New-Object System.Text.StringBuilder
    $stops = [char[]]@([char]'"', [char]'\')
    while ($true) {
        $next = $t.IndexOfAny($stops, $State.Pos)
        if ($next -lt 0) { throw (New-DssException -Id 'ProtocolError' -Message 'A JSON string is not terminated.') }
        [void]$sb.Append($t, $State.Pos, $next - $State.Pos)
        $State.Pos = $next + 1
        if ($t[$next] -eq '"') { return $sb.ToString() }
        if ($State.Pos -ge $t.Length) { throw (New-DssException -Id 'ProtocolError' -Message 'A JSON escape is not terminated.') }
        $e = $t[$State.Pos]
        $State.Pos++
        switch -CaseSensitive ([string]$e) {
            '"' { [void]$sb.Append('"') }
            '\' { [void]$sb.Append('\') }
            '/' { [void]$sb.Append('/') }
            'b' { [void]$sb.Append([char]8) }
            'f' { [void]$sb.Append([char]12) }
            'n' { [void]$sb.Append([char]10) }
            'r' { [void]$sb.Append([char]13) }
            't' { [void]$sb.Append([char]9) }
            'u' {
                if ($State.Pos + 4 -gt $t.Length) { throw (New-DssException -Id 'ProtocolError' -Message 'A \u escape is cut short.') }
                $hex = $t.Substring($State.Pos, 4)
                if ($hex -notmatch '^[0-9A-Fa-f]{4}$') { throw (New-DssException -Id 'ProtocolError' -Message 'A \u escape has no four hex digits.') }
                [void]$sb.Append([char][Convert]::ToInt32($hex, 16))
                $State.Pos += 4
            }
            default { throw (New-DssException -Id 'ProtocolError' -Message ('Unknown JSON escape \' + $e + '.')) }
        }
    }
}

function ConvertTo-DssJsonString {
    param([Parameter(Mandatory=$true)][AllowEmptyString()][string]$Text)
    # The common case (base64, ASCII names, paths) has nothing to escape: no character loop.
    if ($Text -match '^[\x20\x21\x23-\x5B\x5D-\x7E]*$') { return '"' + $Text + '"' }
    $sb = New-Object System.Text.StringBuilder
    [void]$sb.Append('"')
    foreach ($ch in $Text.ToCharArray()) {
        $code = [int]$ch
        if ($ch -eq '"') { [void]$sb.Append('\"') }
        elseif ($ch -eq '\') { [void]$sb.Append('\\') }
        elseif ($code -lt 0x20 -or $code -gt 0x7E) { [void]$sb.Append('\u').Append($code.ToString('x4')) }
        else { [void]$sb.Append($ch) }
    }
    [void]$sb.Append('"')
    return $sb.ToString()
}

function ConvertTo-DssJson {
    <#
    .SYNOPSIS
        Writes a value as compressed, pure-ASCII JSON. Dictionaries become objects, other
        collections arrays; deserialized remote results (ArrayList, PSObject) are handled.
    #>
    param([AllowNull()]$Value)
    if ($null -eq $Value) { return 'null' }
    if ($Value -is [System.Management.Automation.PSObject]) {
        if ($Value.PSObject.BaseObject -is [System.Management.Automation.PSCustomObject]) {
            # Properties of a PSCustomObject live on its PSObject wrapper, not on the base object.
            $parts = New-Object System.Collections.ArrayList
            foreach ($p in $Value.PSObject.Properties) {
                [void]$parts.Add((ConvertTo-DssJsonString -Text $p.Name) + ':' + (ConvertTo-DssJson -Value $p.Value))
            }
            return '{' + [string]::Join(',', [string[]]$parts.ToArray()) + '}'
        }
        $Value = $Value.PSObject.BaseObject
    }
    if ($Value -is [string] -or $Value -is [char]) { return (ConvertTo-DssJsonString -Text ([string]$Value)) }
    if ($Value -is [bool]) { if ($Value) { return 'true' } else { return 'false' } }
    $inv = [System.Globalization.CultureInfo]::InvariantCulture
    if ($Value -is [int] -or $Value -is [long] -or $Value -is [int16] -or $Value -is [byte] -or $Value -is [uint32] -or $Value -is [uint64] -or $Value -is [uint16] -or $Value -is [sbyte]) {
        return $Value.ToString($inv)
    }
    if ($Value -is [double] -or $Value -is [single] -or $Value -is [decimal]) {
        if ($Value -is [double] -and ([double]::IsNaN($Value) -or [double]::IsInfinity($Value))) { return 'null' }
        return $Value.ToString('R', $inv)
    }
    if ($Value -is [DateTime]) {
        return (ConvertTo-DssJsonString -Text $Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", $inv))
    }
    if ($Value -is [System.Enum]) { return (ConvertTo-DssJsonString -Text $Value.ToString()) }
    if ($Value -is [System.Collections.IDictionary]) {
        $parts = New-Object System.Collections.ArrayList
        foreach ($key in $Value.Keys) {
            [void]$parts.Add((ConvertTo-DssJsonString -Text ([string]$key)) + ':' + (ConvertTo-DssJson -Value $Value[$key]))
        }
        return '{' + [string]::Join(',', [string[]]$parts.ToArray()) + '}'
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        $parts = New-Object System.Collections.ArrayList
        foreach ($item in $Value) { [void]$parts.Add((ConvertTo-DssJson -Value $item)) }
        return '[' + [string]::Join(',', [string[]]$parts.ToArray()) + ']'
    }
    return (ConvertTo-DssJsonString -Text ([string]$Value))
}

# ---------------------------------------------------------------------------------------------
# Requests and envelopes
# ---------------------------------------------------------------------------------------------

function ConvertFrom-DssRequest {
    <#
    .SYNOPSIS
        Decodes the one argument every script gets: base64 of a UTF-8 JSON object.
    #>
    param([Parameter(Mandatory=$true)][AllowEmptyString()][string]$RequestBase64)
    if ($RequestBase64 -notmatch '^[A-Za-z0-9+/]*={0,2}$') {
        throw (New-DssException -Id 'ProtocolError' -Message 'The request is not base64 text.')
    }
    try {
        $bytes = [System.Convert]::FromBase64String($RequestBase64)
    } catch {
        throw (New-DssException -Id 'ProtocolError' -Message 'The request is not valid base64.')
    }
    $utf8 = New-Object System.Text.UTF8Encoding($false, $true)
    try {
        $text = $utf8.GetString($bytes)
    } catch {
        throw (New-DssException -Id 'ProtocolError' -Message 'The request is not valid UTF-8.')
    }
    $request = ConvertFrom-DssJson -Json $text
    if (-not ($request -is [hashtable])) {
        throw (New-DssException -Id 'ProtocolError' -Message 'The request is not a JSON object.')
    }
    return $request
}

function Get-DssRequestField {
    <#
    .SYNOPSIS
        A request field that must be present (and, for strings, not empty).
    #>
    param(
        [Parameter(Mandatory=$true)][hashtable]$Request,
        [Parameter(Mandatory=$true)][string]$Name
    )
    $parts = $Name.Split('.')
    $cur = $Request
    foreach ($p in $parts) {
        if (-not ($cur -is [hashtable]) -or -not $cur.ContainsKey($p) -or $null -eq $cur[$p]) {
            throw (New-DssException -Id 'ProtocolError' -Message ('The request has no "' + $Name + '".'))
        }
        $cur = $cur[$p]
    }
    if ($cur -is [string] -and $cur.Length -eq 0) {
        throw (New-DssException -Id 'ProtocolError' -Message ('The request field "' + $Name + '" is empty.'))
    }
    return ,$cur
}

function Write-DssResult {
    <#
    .SYNOPSIS
        Writes the one envelope line for a result hashtable @{ ok = ...; data | error }.
    #>
    param([Parameter(Mandatory=$true)]$Result)
    if ($Result -is [System.Management.Automation.PSObject]) { $Result = $Result.PSObject.BaseObject }
    if (-not ($Result -is [System.Collections.IDictionary]) -or -not $Result.Contains('ok')) {
        $Result = New-DssFailure -Id 'Internal' -Message 'An operation returned no result.'
    }
    if (-not $Result['ok']) {
        $err = $Result['error']
        $envelope = @{ ok = $false; error = @{
            id = [string]$err['id']
            category = [string]$err['category']
            message = [string]$err['message']
            target = $err['target']
        } }
        Write-Output (ConvertTo-DssJson -Value $envelope)
        return
    }
    $data = $null
    if ($Result.Contains('data')) { $data = $Result['data'] }
    Write-Output (ConvertTo-DssJson -Value @{ ok = $true; data = $data })
}

function Get-DssExceptionChain {
    param([Parameter(Mandatory=$true)]$Exception)
    $chain = New-Object System.Collections.ArrayList
    $e = $Exception
    $depth = 0
    while ($null -ne $e -and $depth -lt 10) {
        [void]$chain.Add($e)
        $e = $e.InnerException
        $depth++
    }
    return ,($chain.ToArray())
}

function Get-DssErrorCodes {
    <#
    .SYNOPSIS
        The Win32 error codes found along an exception chain (Win32Exception, HRESULT 0x8007xxxx,
        PSRemotingTransportException.ErrorCode).
    #>
    param([Parameter(Mandatory=$true)]$Exception)
    $codes = New-Object System.Collections.ArrayList
    foreach ($e in (Get-DssExceptionChain -Exception $Exception)) {
        if ($e -is [System.ComponentModel.Win32Exception]) { [void]$codes.Add([int]$e.NativeErrorCode) }
        $typeName = $e.GetType().FullName
        if ($typeName -eq 'System.Management.Automation.Remoting.PSRemotingTransportException') {
            [void]$codes.Add([int]$e.ErrorCode)
        }
        $hr = [System.Runtime.InteropServices.Marshal]::GetHRForException($e)
        if (($hr -band 0xFFFF0000) -eq 0x80070000) { [void]$codes.Add([int]($hr -band 0xFFFF)) }
    }
    return ,($codes.ToArray())
}

function Resolve-DssFailure {
    <#
    .SYNOPSIS
        Turns an ErrorRecord into a failure hashtable with a ResyncGlb error id.
    .PARAMETER Phase
        'Connect' while a session is being opened (network errors mean HostUnreachable), 'Run'
        afterwards (network errors mean ConnectionLost).
    #>
    param(
        [Parameter(Mandatory=$true)]$ErrorRecord,
        [ValidateSet('Connect', 'Run')][string]$Phase = 'Run',
        [string]$Target
    )
    $ex = $ErrorRecord
    if ($ErrorRecord -is [System.Management.Automation.ErrorRecord]) { $ex = $ErrorRecord.Exception }
    $category = 'NotSpecified'
    if ($ErrorRecord -is [System.Management.Automation.ErrorRecord]) { $category = [string]$ErrorRecord.CategoryInfo.Category }
    $message = [string]$ex.Message
    $chain = Get-DssExceptionChain -Exception $ex

    foreach ($e in $chain) {
        if ($null -ne $e.Data -and $e.Data.Contains('ResyncGlbId')) {
            $t = $Target
            if ($e.Data['ResyncGlbTarget']) { $t = [string]$e.Data['ResyncGlbTarget'] }
            return (New-DssFailure -Id ([string]$e.Data['ResyncGlbId']) -Message ([string]$e.Message) -Target $t -Category $category)
        }
    }

    # Win32 codes (winerror.h, lmerr.h) grouped by what they mean for a ResyncGlb run.
    $accessCodes = @(5, 86, 1219, 1326, 1327, 1328, 1329, 1330, 1331, 1909, 2202)
    $networkCodes = @(51, 53, 59, 64, 67, 121, 1231, 1232, 1236, 1722, 1723, 1726, 1727, 2250, 11001, 11004)
    $codes = Get-DssErrorCodes -Exception $ex
    $typeNames = @()
    foreach ($e in $chain) { $typeNames += $e.GetType().FullName }
    $reason = ''
    if ($ErrorRecord -is [System.Management.Automation.ErrorRecord]) { $reason = [string]$ErrorRecord.CategoryInfo.Reason }

    $access = $false
    foreach ($c in $codes) { if ($accessCodes -contains $c) { $access = $true } }
    if ($typeNames -contains 'System.UnauthorizedAccessException' -or $typeNames -contains 'System.Security.SecurityException') { $access = $true }
    if ($reason -eq 'UnauthorizedAccessException' -or $reason -eq 'SecurityException') { $access = $true }
    if ($access) { return (New-DssFailure -Id 'AccessDenied' -Message $message -Target $Target -Category $category) }

    $network = $false
    foreach ($c in $codes) { if ($networkCodes -contains $c) { $network = $true } }
    foreach ($n in $typeNames) {
        if ($n -eq 'System.Management.Automation.Remoting.PSRemotingTransportException' -or
            $n -eq 'System.Management.Automation.Remoting.PSRemotingDataStructureException' -or
            $n -eq 'System.Management.Automation.Runspaces.InvalidRunspaceStateException' -or
            $n -eq 'System.Net.Sockets.SocketException') { $network = $true }
    }
    if ($network) {
        if ($Phase -eq 'Connect') { return (New-DssFailure -Id 'HostUnreachable' -Message $message -Target $Target -Category $category) }
        return (New-DssFailure -Id 'ConnectionLost' -Message $message -Target $Target -Category $category)
    }
    return (New-DssFailure -Id 'OperationFailed' -Message $message -Target $Target -Category $category)
}

# ---------------------------------------------------------------------------------------------
# Transports
# ---------------------------------------------------------------------------------------------

function Get-DssRemoteSession {
    <#
    .SYNOPSIS
        The PSSession Initialize-DssSession.ps1 opened; ConnectionLost when it is gone or broken.
    #>
    param([Parameter(Mandatory=$true)][hashtable]$Request)
    $state = $null
    $v = Get-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
    if ($null -ne $v) { $state = $v.Value }
    if ($null -eq $state -or -not ($state -is [hashtable]) -or $null -eq $state['Session']) {
        throw (New-DssException -Id 'ConnectionLost' -Message 'No PowerShell remoting session to the DSS is open in this process (Initialize-DssSession.ps1 did not run or failed).' -Target ([string]$Request['computerName']))
    }
    $session = $state['Session']
    $sessionState = [string]$session.State
    if ($sessionState -ne 'Opened') {
        throw (New-DssException -Id 'ConnectionLost' -Message ('The PowerShell remoting session to ' + $state['ComputerName'] + ' is ' + $sessionState + '.') -Target ([string]$state['ComputerName']))
    }
    return $session
}

function Invoke-DssCore {
    <#
    .SYNOPSIS
        Runs a core scriptblock where the request's transport says: here (Local, Rpc on an admin
        share path) or on the DSS through the open PSSession (Remoting).
    .DESCRIPTION
        Core scriptblocks are PowerShell 2.0 code that depends on nothing in this file (under
        Remoting they run in the DSS's own runspace). They return a result hashtable
        @{ ok = $true; data = ... } or @{ ok = $false; error = ... } for expected outcomes and throw
        for unexpected ones. A remote throw comes back as a RemoteException and is classified like
        a local one; any other failure of Invoke-Command is the connection's: ConnectionLost.
    #>
    param(
        [Parameter(Mandatory=$true)][hashtable]$Request,
        [Parameter(Mandatory=$true)][scriptblock]$Core,
        [object[]]$ArgumentList = @()
    )
    if ([string]$Request['transport'] -eq 'Remoting') {
        $session = Get-DssRemoteSession -Request $Request
        try {
            $out = Invoke-Command -Session $session -ScriptBlock $Core -ArgumentList $ArgumentList -ErrorAction Stop
        } catch {
            $isRemote = $false
            foreach ($e in (Get-DssExceptionChain -Exception $_.Exception)) {
                if ($e -is [System.Management.Automation.RemoteException]) { $isRemote = $true }
            }
            if ($isRemote -and [string]$session.State -eq 'Opened') { throw }
            throw (New-DssException -Id 'ConnectionLost' -Message ('The connection to ' + [string]$Request['computerName'] + ' was lost: ' + $_.Exception.Message) -Target ([string]$Request['computerName']))
        }
    } else {
        $out = & $Core @ArgumentList
    }
    # A core returns one hashtable; take the last object in case a remote profile wrote something.
    $last = $null
    foreach ($o in @($out)) { $last = $o }
    if ($last -is [System.Management.Automation.PSObject]) { $last = $last.PSObject.BaseObject }
    return $last
}

function Open-DssRemoteBaseKey {
    <#
    .SYNOPSIS
        Remote registry (Rpc transport): [Microsoft.Win32.RegistryKey]::OpenRemoteBaseKey.
        A function of its own so Pester can replace it.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Hive,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    $map = @{ 'HKEY_LOCAL_MACHINE' = 'LocalMachine'; 'HKLM' = 'LocalMachine' }
    if (-not $map.ContainsKey($Hive)) { throw (New-DssException -Id 'ProtocolError' -Message ('Unknown registry hive ' + $Hive + '.')) }
    $h = [Microsoft.Win32.RegistryHive]$map[$Hive]
    return [Microsoft.Win32.RegistryKey]::OpenRemoteBaseKey($h, $ComputerName)
}

function Get-DssSessionServiceController {
    <#
    .SYNOPSIS
        Rpc transport: the one ServiceController of this session for a service, made on first use
        and refreshed after; $null when the service does not exist.
    .DESCRIPTION
        Each new ServiceController costs an RPC bind to the DSS's service control manager (and a
        Vista-or-later target tries TCP first: up to about 20 s when port 135 is filtered), so one
        per call, let alone one per 250 ms poll, is too many. It lives in $global:ResyncGlbDss
        (Initialize-DssSession.ps1) and Close-DssSession.ps1 closes it; one that fails is dropped, so
        the next call binds again.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Name,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    $state = $null
    $v = Get-Variable -Name ResyncGlbDss -Scope Global -ErrorAction SilentlyContinue
    if ($null -ne $v -and $v.Value -is [hashtable]) { $state = $v.Value }
    $key = $ComputerName + '|' + $Name
    if ($null -ne $state -and $state['Controllers'] -is [hashtable] -and $state['Controllers'].ContainsKey($key)) {
        $sc = $state['Controllers'][$key]
        try {
            $sc.Refresh()
            return $sc
        } catch {
            $state['Controllers'].Remove($key)
            try { $sc.Close() } catch { }
        }
    }
    $sc = Get-DssServiceController -Name $Name -ComputerName $ComputerName
    if ($null -ne $sc -and $null -ne $state) {
        if (-not ($state['Controllers'] -is [hashtable])) { $state['Controllers'] = @{} }
        $state['Controllers'][$key] = $sc
    }
    return $sc
}

function Close-DssSessionServiceControllers {
    <#
    .SYNOPSIS
        Closes the ServiceControllers Get-DssSessionServiceController kept in a session state.
    #>
    param([AllowNull()]$State)
    if ($State -is [hashtable] -and $State['Controllers'] -is [hashtable]) {
        foreach ($sc in @($State['Controllers'].Values)) { try { $sc.Close() } catch { } }
        $State['Controllers'] = @{}
    }
}

function Get-DssServiceController {
    <#
    .SYNOPSIS
        Remote service control (Rpc transport): a System.ServiceProcess.ServiceController for a
        service on another computer; $null when the service does not exist there. A function of its
        own so Pester can replace it.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Name,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    if (-not ('System.ServiceProcess.ServiceController' -as [type])) {
        # Windows PowerShell: System.ServiceProcess; PowerShell 7: System.ServiceProcess.ServiceController.
        try { Add-Type -AssemblyName System.ServiceProcess -ErrorAction Stop } catch { Add-Type -AssemblyName System.ServiceProcess.ServiceController }
    }
    $sc = New-Object System.ServiceProcess.ServiceController($Name, $ComputerName)
    try {
        $null = $sc.Status  # throws when the service or the computer cannot be reached
    } catch {
        foreach ($c in (Get-DssErrorCodes -Exception $_.Exception)) {
            if ($c -eq 1060) { return $null }  # ERROR_SERVICE_DOES_NOT_EXIST
        }
        throw
    }
    return $sc
}

function ConvertTo-DssAdminSharePath {
    <#
    .SYNOPSIS
        A path on the DSS as the workstation reaches it over the administrative share:
        C:\exchsrvr\Dxadata on DSS01 -> \\DSS01\C$\exchsrvr\Dxadata. UNC paths are kept.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$Path,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    if ($Path.StartsWith('\\')) { return $Path }
    if ($Path -match '^([A-Za-z]):(\\.*)?$') {
        $rest = ''
        if ($Matches[2]) { $rest = $Matches[2] }
        return '\\' + $ComputerName + '\' + $Matches[1].ToUpperInvariant() + '$' + $rest
    }
    throw (New-DssException -Id 'InvalidPath' -Message ('"' + $Path + '" is not an absolute path on the DSS (a drive letter path or a UNC path).') -Target $Path)
}

function Invoke-DssShareProbe {
    <#
    .SYNOPSIS
        Lists the root of a share (\\computer\C$\): throws when the share cannot be used. A
        function of its own so Pester can replace it.
    .DESCRIPTION
        Test-Path cannot be used for this: it answers $false for access denied, a disabled C$,
        blocked SMB and a missing SMB1 client alike, which would all look like "Dxadata not found".
    #>
    param([Parameter(Mandatory=$true)][string]$Root)
    $null = [System.IO.Directory]::GetDirectories($Root)
}

function Get-DssShareRoot {
    <#
    .SYNOPSIS
        \\computer\share\ of a UNC path; $null for anything else.
    #>
    param([Parameter(Mandatory=$true)][string]$Path)
    if ($Path -match '^(\\\\[^\\]+\\[^\\]+)') { return ($Matches[1] + '\') }
    return $null
}

function Resolve-DssShareFailure {
    <#
    .SYNOPSIS
        Classifies a failure to use \\computer\share (the admin share or the remote registry, both
        over SMB) with the share named: AccessDenied, or SmbUnavailable with the likely cause.
    .DESCRIPTION
        Win32 codes (winerror.h): 5/1326/... access; 67 ERROR_BAD_NET_NAME (no such share: C$ removed
        or administrative shares disabled); 53 ERROR_BAD_NETPATH, 64 ERROR_NETNAME_DELETED, 51, 59,
        1231, 2250 (SMB could not talk to the host: TCP 445/139 blocked, host off, or a workstation
        without the SMB1 client talking to NT 4.0/2000/2003, which speak only SMB1).
    #>
    param(
        [Parameter(Mandatory=$true)]$ErrorRecord,
        [Parameter(Mandatory=$true)][string]$Share,
        [Parameter(Mandatory=$true)][string]$ComputerName
    )
    $ex = $ErrorRecord
    if ($ErrorRecord -is [System.Management.Automation.ErrorRecord]) { $ex = $ErrorRecord.Exception }
    $codes = Get-DssErrorCodes -Exception $ex
    $inner = $ex
    while ($null -ne $inner.InnerException) { $inner = $inner.InnerException }
    $why = [string]$inner.Message
    $typeNames = @()
    foreach ($e in (Get-DssExceptionChain -Exception $ex)) { $typeNames += $e.GetType().FullName }
    $access = ($typeNames -contains 'System.UnauthorizedAccessException')
    foreach ($c in $codes) { if (@(5, 86, 1219, 1326, 1327, 1328, 1329, 1330, 1331, 1909, 2202) -contains $c) { $access = $true } }
    if ($access) {
        return (New-DssFailure -Id 'AccessDenied' -Category 'PermissionDenied' -Target $Share -Message ('Access to ' + $Share + ' was denied (' + $why + '): the account must be an administrator on ' + $ComputerName + '; give -Credential with one.'))
    }
    $code = $null
    foreach ($c in $codes) { if (@(51, 53, 59, 64, 67, 1231, 1232, 2250) -contains $c) { $code = $c; break } }
    if ($code -eq 67) {
        return (New-DssFailure -Id 'SmbUnavailable' -Category 'ConnectionError' -Target $Share -Message ('The share ' + $Share + ' does not exist (error 67: ' + $why + '): the administrative shares are disabled on ' + $ComputerName + ' (AutoShareServer or AutoShareWks set to 0) or the drive has no share. Enable them, or give -DxadataPath as a UNC path to a share you can use.'))
    }
    if ($null -ne $code) {
        return (New-DssFailure -Id 'SmbUnavailable' -Category 'ConnectionError' -Target $Share -Message ($Share + ' cannot be reached over SMB (error ' + $code + ': ' + $why + '). Either TCP 445 and 139 to ' + $ComputerName + ' are blocked, or, for an NT 4.0, 2000 or 2003 DSS, this workstation lacks the SMB1 client (off by default since Windows 10 1709 and Server 2019; see docs/INSTALL.md, Prerequisites).'))
    }
    return (New-DssFailure -Id 'SmbUnavailable' -Category 'ConnectionError' -Target $Share -Message ($Share + ' cannot be used: ' + $why))
}

function Test-DssShareAccess {
    <#
    .SYNOPSIS
        $null when the share holding a UNC path can be listed, else the classified failure.
    #>
    param([Parameter(Mandatory=$true)][string]$Path, [Parameter(Mandatory=$true)][string]$ComputerName)
    $root = Get-DssShareRoot -Path $Path
    if ($null -eq $root) { return $null }
    try {
        Invoke-DssShareProbe -Root $root
        return $null
    } catch {
        return (Resolve-DssShareFailure -ErrorRecord $_ -Share $root.TrimEnd('\') -ComputerName $ComputerName)
    }
}

function Get-DssUncFreeBytes {
    <#
    .SYNOPSIS
        Free bytes for the caller on the volume holding a path (also UNC paths); $null when unknown.
    #>
    param([Parameter(Mandatory=$true)][string]$Path)
    try {
        if (-not ('ResyncGlb.DssDisk' -as [type])) {
            Add-Type -Namespace ResyncGlb -Name DssDisk -MemberDefinition '[System.Runtime.InteropServices.DllImport("kernel32.dll", CharSet = System.Runtime.InteropServices.CharSet.Unicode, SetLastError = true)] public static extern bool GetDiskFreeSpaceEx(string directoryName, out ulong freeBytesAvailable, out ulong totalBytes, out ulong totalFreeBytes);'
        }
        $free = [uint64]0
        $total = [uint64]0
        $totalFree = [uint64]0
        $dir = $Path
        if (-not $dir.EndsWith('\')) { $dir = $dir + '\' }
        if ([ResyncGlb.DssDisk]::GetDiskFreeSpaceEx($dir, [ref]$free, [ref]$total, [ref]$totalFree)) { return [long]$free }
    } catch {
        return $null
    }
    return $null
}

function Read-DssSecretPipe {
    <#
    .SYNOPSIS
        Reads the credential from the one-shot pipe the engine serves for this call: connects,
        sends the token from the request, reads one line ("#" + base64 of the UTF-8 password).
    .DESCRIPTION
        Not standard input: Windows PowerShell 5.1's console host reads -Command - input through
        its own buffered reader, so a line after the command never reaches [Console]::In. The pipe
        (System.IO.Pipes, .NET 3.5 and later; a Unix socket under .NET on Linux) is a channel of its
        own; the password is in no command text, argument, environment variable or file. Any
        failure is CredentialUnavailable at once, before anything is sent to the DSS. A function of
        its own so Pester can replace it.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$PipeName,
        [Parameter(Mandatory=$true)][string]$Token,
        [int]$TimeoutMs = 15000
    )
    if ($null -eq ('System.IO.Pipes.NamedPipeClientStream' -as [type])) {
        try { Add-Type -AssemblyName System.Core } catch { }
    }
    $pipe = $null
    $reader = $null
    $line = $null
    try {
        $pipe = New-Object System.IO.Pipes.NamedPipeClientStream('.', $PipeName, [System.IO.Pipes.PipeDirection]::InOut)
        $pipe.Connect($TimeoutMs)
        $hello = [System.Text.Encoding]::ASCII.GetBytes($Token + "`n")
        $pipe.Write($hello, 0, $hello.Length)
        $pipe.Flush()
        $reader = New-Object System.IO.StreamReader($pipe, (New-Object System.Text.UTF8Encoding($false)))
        $line = $reader.ReadLine()
    } catch {
        $why = $_.Exception.Message
        if ($null -ne $_.Exception.InnerException) { $why = $_.Exception.InnerException.Message }
        throw (New-DssException -Id 'CredentialUnavailable' -Message ('The credential could not be read from the engine''s credential pipe (' + $why + '); nothing was sent to the DSS.'))
    } finally {
        if ($null -ne $reader) { try { $reader.Dispose() } catch { } }
        if ($null -ne $pipe) { try { $pipe.Dispose() } catch { } }
    }
    if ($null -eq $line) {
        throw (New-DssException -Id 'CredentialUnavailable' -Message 'The engine closed its credential pipe without sending the credential; nothing was sent to the DSS.')
    }
    return $line
}

function ConvertTo-DssCredential {
    <#
    .SYNOPSIS
        A PSCredential from a user name and the secret line read by Read-DssSecretPipe.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$UserName,
        [AllowNull()][string]$SecretLine
    )
    if ($null -eq $SecretLine -or -not $SecretLine.StartsWith('#') -or $SecretLine.Substring(1) -notmatch '^[A-Za-z0-9+/]*={0,2}$') {
        throw (New-DssException -Id 'CredentialUnavailable' -Message 'The credential did not arrive from the engine in the expected form; nothing was sent to the DSS.')
    }
    $bytes = [System.Convert]::FromBase64String($SecretLine.Substring(1))
    $chars = [System.Text.Encoding]::UTF8.GetChars($bytes)
    [Array]::Clear($bytes, 0, $bytes.Length)
    $secure = New-Object System.Security.SecureString
    foreach ($ch in $chars) { $secure.AppendChar($ch) }
    [Array]::Clear($chars, 0, $chars.Length)
    $secure.MakeReadOnly()
    return (New-Object System.Management.Automation.PSCredential($UserName, $secure))
}

function Get-DssServiceCore {
    <#
    .SYNOPSIS
        The core scriptblock shared by Get-DxService.ps1, Stop-DxService.ps1 and Start-DxService.ps1.
    .DESCRIPTION
        PowerShell 2.0 only; runs on the DSS under Remoting. $Controller is a ServiceController the
        caller already holds (Rpc: one made for the remote computer); when it is $null the core gets
        the service with Get-Service. Stop and start use the controller's Stop()/Start() and
        WaitForStatus with a TimeSpan: Stop-Service and Start-Service wait without any time limit
        (and print a warning every 2 s) in PowerShell 2.0 to 5.1, and -NoWait exists only on
        Stop-Service from 5.0. Dependent services are reported and never touched.
    #>
    return {
        param([string]$Action, [string]$ServiceName, [int]$TimeoutMs, $Controller)
        $ErrorActionPreference = 'Stop'
        $svc = $Controller
        if ($null -eq $svc) {
            $getErr = $null
            $found = @(Get-Service -Name $ServiceName -ErrorAction SilentlyContinue -ErrorVariable getErr)
            if ($found.Count -eq 0) {
                foreach ($e in @($getErr)) {
                    if ($null -ne $e -and [string]$e.CategoryInfo.Category -ne 'ObjectNotFound') { throw $e }
                }
            } else {
                $svc = $found[0]
            }
        }
        if ($null -eq $svc) {
            if ($Action -eq 'Get') { return @{ ok = $true; data = @{ exists = $false } } }
            return @{ ok = $false; error = @{ id = 'ServiceNotFound'; category = 'ObjectNotFound'; message = ('The ' + $ServiceName + ' service does not exist on ' + [Environment]::MachineName + '.'); target = $ServiceName } }
        }
        $describe = {
            param($s)
            $deps = @()
            foreach ($d in @($s.DependentServices)) {
                if ($null -ne $d) { $deps += @{ name = [string]$d.ServiceName; status = [string]$d.Status } }
            }
            return @{ exists = $true; name = [string]$s.ServiceName; displayName = [string]$s.DisplayName; status = [string]$s.Status; dependentServices = $deps }
        }
        $deadline = [DateTime]::UtcNow.AddMilliseconds($TimeoutMs)
        $remaining = {
            $ms = ($deadline - [DateTime]::UtcNow).TotalMilliseconds
            if ($ms -lt 0) { $ms = 0 }
            return [TimeSpan]::FromMilliseconds($ms)
        }
        $seconds = [string][Math]::Round($TimeoutMs / 1000)
        $svc.Refresh()
        if ($Action -eq 'Get') { return @{ ok = $true; data = (& $describe $svc) } }

        if ($Action -eq 'Stop') {
            if ([string]$svc.Status -eq 'Stopped') { return @{ ok = $true; data = (& $describe $svc) } }
            $running = @()
            foreach ($d in @($svc.DependentServices)) {
                if ($null -ne $d -and [string]$d.Status -ne 'Stopped') { $running += [string]$d.ServiceName }
            }
            if ($running.Count -gt 0) {
                return @{ ok = $false; error = @{ id = 'OperationFailed'; category = 'ResourceBusy'; target = $ServiceName; message = ('The ' + $ServiceName + ' service has running dependent services (' + [string]::Join(', ', [string[]]$running) + '); ResyncGlb does not stop other services. Stop them first, then run again.') } }
            }
            while (@('StartPending', 'ContinuePending', 'PausePending') -contains [string]$svc.Status) {
                if ([DateTime]::UtcNow -ge $deadline) { break }
                try { $svc.WaitForStatus('Running', [TimeSpan]::FromMilliseconds(250)) } catch { }
                $svc.Refresh()
            }
            if ([string]$svc.Status -ne 'StopPending' -and [string]$svc.Status -ne 'Stopped') { $svc.Stop() }
            try { $svc.WaitForStatus('Stopped', (& $remaining)) } catch { }
            $svc.Refresh()
            if ([string]$svc.Status -ne 'Stopped') {
                return @{ ok = $false; error = @{ id = 'ServiceStopTimeout'; category = 'OperationTimeout'; target = $ServiceName; message = ('The ' + $ServiceName + ' service did not stop within ' + $seconds + ' s; it is ' + [string]$svc.Status + '. A hung service is a matter for the administrator (Q176566).') } }
            }
            return @{ ok = $true; data = (& $describe $svc) }
        }

        if ($Action -eq 'Start') {
            if ([string]$svc.Status -eq 'Running') { return @{ ok = $true; data = (& $describe $svc) } }
            if ([string]$svc.Status -eq 'StopPending') {
                try { $svc.WaitForStatus('Stopped', (& $remaining)) } catch { }
                $svc.Refresh()
            }
            if ([string]$svc.Status -ne 'Stopped' -and [string]$svc.Status -ne 'StartPending') {
                return @{ ok = $false; error = @{ id = 'ServiceStartFailed'; category = 'InvalidResult'; target = $ServiceName; message = ('The ' + $ServiceName + ' service is ' + [string]$svc.Status + '; it could not be started.') } }
            }
            if ([string]$svc.Status -eq 'Stopped') { $svc.Start() }
            while ($true) {
                $slice = & $remaining
                if ($slice.TotalMilliseconds -gt 500) { $slice = [TimeSpan]::FromMilliseconds(500) }
                try { $svc.WaitForStatus('Running', $slice) } catch { }
                $svc.Refresh()
                $now = [string]$svc.Status
                if ($now -eq 'Running') { return @{ ok = $true; data = (& $describe $svc) } }
                if ($now -eq 'Stopped') {
                    return @{ ok = $false; error = @{ id = 'ServiceStartFailed'; category = 'InvalidResult'; target = $ServiceName; message = ('The ' + $ServiceName + ' service stopped while starting; see the Application event log, source ' + $ServiceName + ' (Q185225).') } }
                }
                if ([DateTime]::UtcNow -ge $deadline) {
                    return @{ ok = $false; error = @{ id = 'ServiceStartFailed'; category = 'InvalidResult'; target = $ServiceName; message = ('The ' + $ServiceName + ' service did not reach Running within ' + $seconds + ' s; it is ' + $now + '.') } }
                }
            }
        }
        return @{ ok = $false; error = @{ id = 'ProtocolError'; category = 'InvalidArgument'; target = $Action; message = ('Unknown service action ' + $Action + '.') } }
    }
}

function Get-DssServiceResult {
    <#
    .SYNOPSIS
        Runs the service core for a request over its transport (the body of the three service scripts).
    #>
    param(
        [Parameter(Mandatory=$true)][hashtable]$Request,
        [Parameter(Mandatory=$true)][ValidateSet('Get', 'Stop', 'Start')][string]$Action
    )
    $name = Get-DssRequestField -Request $Request -Name 'service.name'
    $timeout = 0
    if ($Action -ne 'Get') { $timeout = [int](Get-DssRequestField -Request $Request -Name 'timeoutMs') }
    $core = Get-DssServiceCore
    if ([string]$Request['transport'] -eq 'Rpc') {
        $computer = Get-DssRequestField -Request $Request -Name 'computerName'
        $controller = Get-DssSessionServiceController -Name $name -ComputerName $computer
        if ($null -eq $controller) {
            if ($Action -eq 'Get') { return @{ ok = $true; data = @{ exists = $false } } }
            return (New-DssFailure -Id 'ServiceNotFound' -Category 'ObjectNotFound' -Target $name -Message ('The ' + $name + ' service does not exist on ' + $computer + '.'))
        }
        return (& $core $Action $name $timeout $controller)
    }
    return (Invoke-DssCore -Request $Request -Core $core -ArgumentList @($Action, $name, $timeout, $null))
}

function Get-DssRpcValue {
    <#
    .SYNOPSIS
        Rpc transport: one registry value through the remote registry, as
        @{ keyExists; present; kind; value }. Environment strings are not expanded.
    #>
    param(
        [Parameter(Mandatory=$true)][string]$ComputerName,
        [Parameter(Mandatory=$true)][string]$Hive,
        [Parameter(Mandatory=$true)][string]$SubKey,
        [Parameter(Mandatory=$true)][string]$Name
    )
    $base = Open-DssRemoteBaseKey -Hive $Hive -ComputerName $ComputerName
    try {
        $key = $base.OpenSubKey($SubKey, $false)
        if ($null -eq $key) { return @{ keyExists = $false; present = $false; kind = $null; value = $null } }
        try {
            $present = $false
            foreach ($n in @($key.GetValueNames())) { if ([string]::Equals([string]$n, $Name, [StringComparison]::OrdinalIgnoreCase)) { $present = $true } }
            if (-not $present) { return @{ keyExists = $true; present = $false; kind = $null; value = $null } }
            $kind = [string]$key.GetValueKind($Name)
            $value = $key.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')
            return @{ keyExists = $true; present = $true; kind = $kind; value = $value }
        } finally {
            $key.Close()
        }
    } finally {
        $base.Close()
    }
}

function Expand-DssRemoteEnvironment {
    <#
    .SYNOPSIS
        Rpc transport: expands %NAME% in a registry string with the DSS's own environment, read
        over the remote registry, never this workstation's. SystemRoot comes from the request's
        systemRootKey, windir is the same, SystemDrive is its drive; other names come from the
        system environment key. Unknown names are left as they are.
    #>
    param(
        [AllowNull()][string]$Text,
        [Parameter(Mandatory=$true)][string]$ComputerName,
        [Parameter(Mandatory=$true)][hashtable]$Environment
    )
    if (-not $Text -or $Text.IndexOf('%') -lt 0) { return $Text }
    $hive = [string]$Environment['hive']
    $cache = @{}
    $lookup = {
        param([string]$name)
        $k = $name.ToLowerInvariant()
        if ($cache.ContainsKey($k)) { return $cache[$k] }
        $v = $null
        if ($k -eq 'systemroot' -or $k -eq 'windir' -or $k -eq 'systemdrive') {
            $r = Get-DssRpcValue -ComputerName $ComputerName -Hive $hive -SubKey ([string]$Environment['systemRootKey']) -Name ([string]$Environment['systemRootValue'])
            if ($r['present'] -and $r['value'] -is [string]) {
                $v = [string]$r['value']
                if ($k -eq 'systemdrive' -and $v.Length -ge 2) { $v = $v.Substring(0, 2) }
            }
        } else {
            $r = Get-DssRpcValue -ComputerName $ComputerName -Hive $hive -SubKey ([string]$Environment['variablesKey']) -Name $name
            if ($r['present'] -and $r['value'] -is [string]) { $v = [string]$r['value'] }
        }
        $cache[$k] = $v
        return $v
    }
    $expandOnce = {
        param([string]$s)
        $sb = New-Object System.Text.StringBuilder
        $pos = 0
        while ($pos -lt $s.Length) {
            $start = $s.IndexOf('%', $pos)
            if ($start -lt 0) { break }
            $end = $s.IndexOf('%', $start + 1)
            if ($end -lt 0) { break }
            [void]$sb.Append($s, $pos, $start - $pos)
            $name = $s.Substring($start + 1, $end - $start - 1)
            $value = $null
            if ($name.Length -gt 0) { $value = & $lookup $name }
            if ($null -eq $value) {
                [void]$sb.Append($s, $start, $end - $start)
                $pos = $end
            } else {
                [void]$sb.Append($value)
                $pos = $end + 1
            }
        }
        if ($pos -lt $s.Length) { [void]$sb.Append($s.Substring($pos)) }
        return $sb.ToString()
    }
    # Twice: a system variable may itself be written with %SystemRoot%.
    return (& $expandOnce (& $expandOnce $Text))
}

function Get-DssValueKindName {
    <#
    .SYNOPSIS
        The registry value kind of a value as the registry provider returns it (string[] is
        REG_MULTI_SZ, string REG_SZ or REG_EXPAND_SZ, byte[] REG_BINARY, int REG_DWORD, long REG_QWORD).
    #>
    param([AllowNull()]$Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [string[]]) { return 'MultiString' }
    if ($Value -is [string]) { return 'String' }
    if ($Value -is [byte[]]) { return 'Binary' }
    if ($Value -is [int]) { return 'DWord' }
    if ($Value -is [long]) { return 'QWord' }
    return 'Unknown'
}

function Join-DssWindowsPath {
    <#
    .SYNOPSIS
        Joins Windows path parts with a backslash whatever platform this runs on (DSS paths are
        Windows paths even when Pester runs on Linux).
    #>
    param([Parameter(Mandatory=$true)][string]$Parent, [Parameter(Mandatory=$true)][string]$Child)
    return $Parent.TrimEnd('\') + '\' + $Child.TrimStart('\')
}

function Get-DssDxadataCandidates {
    <#
    .SYNOPSIS
        Where Dxadata may be, in the order domain.md gives (Q185504, Q147374, Q143380): an explicit
        path, else DXADataPath, else <Setup\Services>\Dxadata, else the install folder above the BIN
        folder of the service's ImagePath, + \Dxadata.
    .DESCRIPTION
        Returns @{ path; source; authoritative } in order. An explicit path and DXADataPath are
        authoritative: the DXA writes there (Q185504), so when such a folder is missing the search
        stops with DxadataNotFound instead of guessing further.
    #>
    param(
        [AllowNull()][string]$Explicit,
        [AllowNull()][string]$DxaDataPath,
        [AllowNull()][string]$InstallPath,
        [AllowNull()][string]$ImagePath,
        [Parameter(Mandatory=$true)][string]$DxadataFolder,
        [Parameter(Mandatory=$true)][string]$Binary
    )
    $list = New-Object System.Collections.ArrayList
    if ($Explicit) { [void]$list.Add(@{ path = $Explicit; source = 'Explicit'; authoritative = $true }); return ,($list.ToArray()) }
    if ($DxaDataPath -and $DxaDataPath.Trim()) { [void]$list.Add(@{ path = $DxaDataPath.Trim(); source = 'DXADataPath'; authoritative = $true }); return ,($list.ToArray()) }
    if ($InstallPath -and $InstallPath.Trim()) {
        [void]$list.Add(@{ path = (Join-DssWindowsPath -Parent $InstallPath.Trim() -Child $DxadataFolder); source = 'Setup'; authoritative = $false })
    }
    if ($ImagePath -and $ImagePath.Trim()) {
        $image = $ImagePath.Trim()
        if ($image.StartsWith('"')) {
            $end = $image.IndexOf('"', 1)
            if ($end -gt 0) { $image = $image.Substring(1, $end - 1) }
        } else {
            $exe = $image.ToLowerInvariant().IndexOf('.exe')
            if ($exe -gt 0) { $image = $image.Substring(0, $exe + 4) }
        }
        # ImagePath is <install>\BIN\DXA.EXE (Q143380): the install folder is two levels up, and
        # only when the binary's folder really is the contract's BIN folder.
        $binFolder = $Binary.Split('\')[0]
        $slash = $image.LastIndexOf('\')
        if ($slash -gt 0 -and $image.IndexOf('%') -lt 0) {
            $dir = $image.Substring(0, $slash)
            $slash2 = $dir.LastIndexOf('\')
            if ($slash2 -gt 0 -and [string]::Equals($dir.Substring($slash2 + 1), $binFolder, [StringComparison]::OrdinalIgnoreCase)) {
                [void]$list.Add(@{ path = (Join-DssWindowsPath -Parent $dir.Substring(0, $slash2) -Child $DxadataFolder); source = 'ImagePath'; authoritative = $false })
            }
        }
    }
    return ,($list.ToArray())
}

function Get-DssFileCore {
    <#
    .SYNOPSIS
        The core scriptblock for the file scripts (stat, open-for-write test, hash, chunked read,
        verified delete). PowerShell 2.0 and .NET 2.0 only; runs on the DSS under Remoting.
    .DESCRIPTION
        "Open for write" means: opening the file for reading while denying write sharing
        (FileShare.Read) fails with a sharing violation (Win32 32 or 33), so some process holds it
        open with write access. Reads for hashing and chunking deny writers the same way, so a
        file still being written is never read; the verified delete opens the file exclusively,
        checks length, time stamp and SHA-256 against what the caller received, then deletes it.
        Time stamps travel as UTC tick strings, which JSON numbers cannot carry exactly.
    #>
    return {
        param([string]$Action, [string]$Path, [long]$Offset, [int]$Count, [long]$ExpectLength, [string]$ExpectTicks, [string]$ExpectSha256)
        $ErrorActionPreference = 'Stop'
        $inv = [System.Globalization.CultureInfo]::InvariantCulture
        $machine = [Environment]::MachineName
        $describe = {
            param($fi)
            return @{ exists = $true; length = $fi.Length; lastWriteTimeUtc = $fi.LastWriteTimeUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", $inv); lastWriteTicks = $fi.LastWriteTimeUtc.Ticks.ToString($inv) }
        }
        $isSharing = {
            param($err)
            $e = $err.Exception
            while ($null -ne $e) {
                if ($e -is [System.IO.IOException]) {
                    $c = [System.Runtime.InteropServices.Marshal]::GetHRForException($e) -band 0xFFFF
                    if ($c -eq 32 -or $c -eq 33) { return $true }
                    # .NET on Unix (tests here) maps FileShare to flock: a conflict is EWOULDBLOCK (11).
                    if ($c -eq 11 -and [string][Environment]::OSVersion.Platform -eq 'Unix') { return $true }
                }
                $e = $e.InnerException
            }
            return $false
        }
        $open = {
            param([string]$p, [string]$access, [string]$share)
            return (New-Object System.IO.FileStream($p, [System.IO.FileMode]::Open, [System.IO.FileAccess]$access, [System.IO.FileShare]$share))
        }
        $missing = @{ ok = $false; error = @{ id = 'SourceNotFound'; category = 'ObjectNotFound'; target = $Path; message = ($Path + ' does not exist on ' + $machine + '.') } }
        # A sharing violation is another process's open handle (the DXA still writing, or a reader
        # such as an antivirus scan, the indexer, a backup agent, Explorer's preview): FileInUse,
        # never Busy, which means another ResyncGlb run.
        $busy = @{ ok = $false; error = @{ id = 'FileInUse'; category = 'ResourceBusy'; target = $Path; message = ($Path + ' is held open for writing by another process on ' + $machine + '.') } }
        $inUse = @{ ok = $false; error = @{ id = 'FileInUse'; category = 'ResourceBusy'; target = $Path; message = ($Path + ' is open in another process on ' + $machine + ' (a reader such as an antivirus scan, the indexer, a backup agent or Explorer''s preview), so it cannot be deleted yet.') } }
        $hex = {
            param([byte[]]$bytes)
            return [System.BitConverter]::ToString($bytes).Replace('-', '')
        }
        # On a FIPS-mode DSS under .NET 2.0/3.5, SHA256.Create() gives SHA256Managed, which throws;
        # the CryptoServiceProvider (.NET 3.5 and later) is FIPS-validated: prefer it where it exists.
        $newSha = {
            $csp = 'System.Security.Cryptography.SHA256CryptoServiceProvider' -as [type]
            if ($null -eq $csp) {
                # .NET 3.5 keeps it in System.Core, which a PowerShell 2.0 runspace may not have loaded.
                try { $null = [System.Reflection.Assembly]::LoadWithPartialName('System.Core') } catch { }
                $csp = 'System.Security.Cryptography.SHA256CryptoServiceProvider' -as [type]
            }
            if ($null -ne $csp) { return (New-Object System.Security.Cryptography.SHA256CryptoServiceProvider) }
            return [System.Security.Cryptography.SHA256]::Create()
        }

        if ($Action -eq 'Stat') {
            $fi = New-Object System.IO.FileInfo($Path)
            if (-not $fi.Exists) { return @{ ok = $true; data = @{ exists = $false } } }
            return @{ ok = $true; data = (& $describe $fi) }
        }
        if (-not [System.IO.File]::Exists($Path)) {
            if ($Action -eq 'OpenForWrite') { return @{ ok = $true; data = @{ exists = $false; openForWrite = $false } } }
            return $missing
        }
        if ($Action -eq 'OpenForWrite') {
            try {
                $fs = & $open $Path 'Read' 'Read'
                $fs.Close()
                return @{ ok = $true; data = @{ exists = $true; openForWrite = $false } }
            } catch {
                if (& $isSharing $_) { return @{ ok = $true; data = @{ exists = $true; openForWrite = $true } } }
                throw
            }
        }
        if ($Action -eq 'Hash') {
            try { $fs = & $open $Path 'Read' 'Read' } catch { if (& $isSharing $_) { return $busy }; throw }
            try {
                $sha = & $newSha
                $digest = $sha.ComputeHash($fs)
                $length = $fs.Length
            } finally {
                $fs.Close()
            }
            $data = & $describe (New-Object System.IO.FileInfo($Path))
            $data['length'] = $length
            $data['sha256'] = & $hex $digest
            return @{ ok = $true; data = $data }
        }
        if ($Action -eq 'Chunk') {
            try { $fs = & $open $Path 'Read' 'Read' } catch { if (& $isSharing $_) { return $busy }; throw }
            try {
                $length = $fs.Length
                $want = $Count
                if ($Offset + $want -gt $length) { $want = [int][Math]::Max(0, $length - $Offset) }
                $buffer = New-Object byte[] $want
                $got = 0
                if ($want -gt 0) {
                    $null = $fs.Seek($Offset, [System.IO.SeekOrigin]::Begin)
                    while ($got -lt $want) {
                        $n = $fs.Read($buffer, $got, $want - $got)
                        if ($n -le 0) { break }
                        $got += $n
                    }
                }
            } finally {
                $fs.Close()
            }
            return @{ ok = $true; data = @{ offset = $Offset; bytes = $got; length = $length; eof = ($Offset + $got -ge $length); base64 = [System.Convert]::ToBase64String($buffer, 0, $got) } }
        }
        if ($Action -eq 'Remove') {
            try { $fs = & $open $Path 'Read' 'None' } catch { if (& $isSharing $_) { return $inUse }; throw }
            try {
                $sha = & $newSha
                $digest = & $hex ($sha.ComputeHash($fs))
                $length = $fs.Length
            } finally {
                $fs.Close()
            }
            $fi = New-Object System.IO.FileInfo($Path)
            $ticks = $fi.LastWriteTimeUtc.Ticks.ToString($inv)
            if ($length -ne $ExpectLength -or $ticks -ne $ExpectTicks -or $digest -ne $ExpectSha256) {
                return @{ ok = $false; error = @{ id = 'SourceChanged'; category = 'InvalidData'; target = $Path; message = ($Path + ' changed on ' + $machine + ' while it was being copied (now ' + $length + ' bytes, SHA-256 ' + $digest + '); it was left in place.') } }
            }
            [System.IO.File]::Delete($Path)
            return @{ ok = $true; data = @{ removed = $true } }
        }
        return @{ ok = $false; error = @{ id = 'ProtocolError'; category = 'InvalidArgument'; target = $Action; message = ('Unknown file action ' + $Action + '.') } }
    }
}

function Invoke-DssFileAction {
    <#
    .SYNOPSIS
        Runs the file core for a request over its transport (the body of the file scripts). Under
        Rpc, drive-letter paths on the DSS are reached over its administrative share.
    #>
    param(
        [Parameter(Mandatory=$true)][hashtable]$Request,
        [Parameter(Mandatory=$true)][ValidateSet('Stat', 'OpenForWrite', 'Hash', 'Chunk', 'Remove')][string]$Action
    )
    $path = Get-DssRequestField -Request $Request -Name 'path'
    $offset = [long]0
    $count = 0
    if ($Action -eq 'Chunk') {
        $offset = [long](Get-DssRequestField -Request $Request -Name 'offset')
        $count = [int](Get-DssRequestField -Request $Request -Name 'count')
    }
    $expectLength = [long]0
    $expectTicks = ''
    $expectSha = ''
    if ($Action -eq 'Remove') {
        $expectLength = [long](Get-DssRequestField -Request $Request -Name 'length')
        $expectTicks = [string](Get-DssRequestField -Request $Request -Name 'lastWriteTicks')
        $expectSha = ([string](Get-DssRequestField -Request $Request -Name 'sha256')).ToUpperInvariant()
    }
    if ([string]$Request['transport'] -eq 'Rpc') {
        $computer = Get-DssRequestField -Request $Request -Name 'computerName'
        $path = ConvertTo-DssAdminSharePath -Path $path -ComputerName $computer
    }
    return (Invoke-DssCore -Request $Request -Core (Get-DssFileCore) -ArgumentList @($Action, $path, $offset, $count, $expectLength, $expectTicks, $expectSha))
}
