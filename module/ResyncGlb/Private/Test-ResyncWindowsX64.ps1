function Test-ResyncWindowsX64 {
    <#
    .SYNOPSIS
    Whether this machine can run the module's self-contained engine for Windows x64
    (bin/win-x64/resync-glb.exe): Windows, with a native x64 architecture.
    .DESCRIPTION
    The native architecture is PROCESSOR_ARCHITEW6432 when it is set (a 32-bit PowerShell on 64-bit
    Windows, which starts a 64-bit program without trouble), else PROCESSOR_ARCHITECTURE; it must be
    AMD64, on a 64-bit Windows. So a 32-bit Windows, and Windows on Arm with a native ARM64 (or x86)
    PowerShell, answer no: they run the engine with Node.js (an ARM64 build of Node runs natively;
    Windows 10 on Arm cannot run x64 programs at all). An x64 PowerShell emulated on Windows 11 on
    Arm sees AMD64 and answers yes: the exe then runs under the same emulation as PowerShell itself.
    docs/INSTALL.md, "Which engine runs".

    The parameters default to this machine's facts; they are there so the rule can be tested on any
    platform.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        # Windows PowerShell 5.1 (Desktop) exists only on Windows and has no $IsWindows.
        [bool] $OnWindows = $(if ($PSVersionTable.PSEdition -eq 'Desktop') { $true } else { $IsWindows }),
        [bool] $Is64BitOperatingSystem = [Environment]::Is64BitOperatingSystem,
        [AllowEmptyString()] [string] $ProcessorArchitecture = $env:PROCESSOR_ARCHITECTURE,
        [AllowEmptyString()] [string] $ProcessorArchitectureW6432 = $env:PROCESSOR_ARCHITEW6432
    )

    if (-not $OnWindows -or -not $Is64BitOperatingSystem) { return $false }
    $native = $ProcessorArchitecture
    if ($ProcessorArchitectureW6432) { $native = $ProcessorArchitectureW6432 }
    $native -eq 'AMD64'
}
