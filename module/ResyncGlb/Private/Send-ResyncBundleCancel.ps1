function Send-ResyncBundleCancel {
    <#
    .SYNOPSIS
    Asks a running engine to cancel and roll back, and waits for its 'end' (docs/PROTOCOL.md, "stdin").
    .DESCRIPTION
    Used when the pipeline was stopped or this side failed before the engine finished. Its output is
    read until 'end' and discarded (a stopped pipeline cannot take it), so a long rollback never
    blocks on a full stdout pipe; a read already in flight ($ReadTask) is finished first, as a second
    one on the same reader would throw. Returns $true when 'end' was read within $WaitSec.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory = $true)] [System.Diagnostics.Process] $Process,
        [System.Threading.Tasks.Task[string]] $ReadTask,
        [Parameter(Mandatory = $true)] [int] $WaitSec
    )
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    try {
        $cancel = $utf8.GetBytes('{"control":"cancel","reason":"the PowerShell pipeline was stopped"}' + "`n")
        $Process.StandardInput.BaseStream.Write($cancel, 0, $cancel.Length)
        $Process.StandardInput.BaseStream.Flush()
    }
    catch { }
    $ended = $false
    # A stdout that has ended (already seen by the caller, or here) means no 'end' can come: a short
    # grace, then the caller stops the engine and recover finishes what it left.
    $eof = $false
    $deadline = [DateTime]::UtcNow.AddSeconds($WaitSec)
    try {
        while ([DateTime]::UtcNow -lt $deadline) {
            if ($null -eq $ReadTask) { $ReadTask = $Process.StandardOutput.ReadLineAsync() }
            if (-not $ReadTask.Wait(200)) { continue }
            $line = $ReadTask.Result
            $ReadTask = $null
            if ($null -eq $line) { $eof = $true; break }
            if ($line.Contains('"event":"end"')) { $ended = $true; break }
        }
    }
    catch { }
    $waitMs = [Math]::Max(0, [int]($deadline - [DateTime]::UtcNow).TotalMilliseconds)
    if ($eof -and -not $ended) { $waitMs = [Math]::Min($waitMs, 5000) }
    $null = $Process.WaitForExit($waitMs)
    $ended
}
