# ---------------------------------------------------------------------------------------------
# Requests, result envelopes, and the wrapper every operation script runs in
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
    param([Parameter(Mandatory=$true)][AllowNull()]$Result)
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

function Invoke-DssOperation {
    <#
    .SYNOPSIS
        The opening and closing every operation script shares: decodes the request, runs the
        script's work on it and writes the one envelope line for what the work returns, or for what
        it threw (classified by Resolve-DssFailure).
    .DESCRIPTION
        The script's work is a scriptblock, param($request), that returns a result hashtable
        @{ ok = ...; data | error } and throws for failures (New-DssException for those with an id).
        It runs in a child scope of this function, so the preferences set here are its own: errors
        stop, no progress records. A script's one line of its own is the fallback when _Common.ps1
        itself cannot be loaded, which no function here can write (docs/ARCHITECTURE.md).
    .PARAMETER Phase
        Connect for Initialize-DssSession.ps1 (a network failure there is HostUnreachable), else Run.
    #>
    param(
        [Parameter(Mandatory=$true)][AllowEmptyString()][string]$RequestBase64,
        [Parameter(Mandatory=$true)][scriptblock]$Operation,
        [ValidateSet('Connect', 'Run')][string]$Phase = 'Run'
    )
    Set-StrictMode -Version 2
    $ErrorActionPreference = 'Stop'
    $ProgressPreference = 'SilentlyContinue'
    try {
        Write-DssResult -Result (& $Operation (ConvertFrom-DssRequest -RequestBase64 $RequestBase64))
    } catch {
        Write-DssResult -Result (Resolve-DssFailure -ErrorRecord $_ -Phase $Phase)
    }
}
