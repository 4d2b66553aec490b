function Open-ResyncEngineProcess {
    <#
    .SYNOPSIS
    Starts the engine with its standard streams redirected (UTF-8, no BOM) and returns the process.
    .DESCRIPTION
    -Arguments is a command line the caller has quoted; -ArgumentList goes to the program as separate
    arguments (ProcessStartInfo.ArgumentList; on Windows PowerShell 5.1 quoted by
    ConvertTo-ResyncProcessArgument), never through a shell. An engine that cannot be started (for
    example an exe that application control or antivirus blocks; docs/INSTALL.md, "Which engine runs")
    is a terminating ResyncGlb.EngineStartFailed error of the calling cmdlet.
    #>
    [CmdletBinding()]
    [OutputType([System.Diagnostics.Process])]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        # Get-ResyncCommandEngine's answer.
        [Parameter(Mandatory = $true)] [object] $Engine,
        [Parameter(Mandatory = $true, ParameterSetName = 'Line')] [string] $Arguments,
        [Parameter(Mandatory = $true, ParameterSetName = 'List')] [string[]] $ArgumentList
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new()
    $psi.FileName = $Engine.Path
    if ($PSCmdlet.ParameterSetName -eq 'Line') {
        $psi.Arguments = $Arguments
    }
    elseif ($null -ne $psi.PSObject.Properties['ArgumentList']) {
        foreach ($a in $ArgumentList) { $psi.ArgumentList.Add($a) }
    }
    else {
        $psi.Arguments = (@(foreach ($a in $ArgumentList) { ConvertTo-ResyncProcessArgument -Argument $a }) -join ' ')
    }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.CreateNoWindow = $true
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8
    try {
        [System.Diagnostics.Process]::Start($psi)
    }
    catch {
        $Cmdlet.ThrowTerminatingError((New-ResyncErrorRecord -Id 'EngineStartFailed' -Category 'ResourceUnavailable' -Target $Engine.Path `
                    -Message "The ResyncGlb engine, $($Engine.Description), could not be started: $($_.Exception.Message)"))
    }
}
