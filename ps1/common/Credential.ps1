# ---------------------------------------------------------------------------------------------
# The credential, read from the engine's one-shot pipe
# ---------------------------------------------------------------------------------------------

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
