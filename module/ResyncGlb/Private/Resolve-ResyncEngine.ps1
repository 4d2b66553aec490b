function Resolve-ResyncEngine {
    <#
    .SYNOPSIS
    Chooses the program that runs the engine, or fails saying what to install. Every command that
    runs the engine goes through here (Invoke-ResyncBundle).
    .DESCRIPTION
    The order (docs/INSTALL.md, "Which engine runs"):
      1. $env:RESYNCGLB_NODE, when set: that Node.js (20 or later) runs bin/resync-glb.cjs. A wrong
         one is an error; the others are not tried, since the admin asked for this one.
      2. bin/win-x64/resync-glb.exe, the self-contained engine (Node's single executable
         application), when it is there and Test-ResyncWindowsX64 says this machine runs x64 Windows
         programs natively.
      3. The first 'node' application on PATH, version 20 or later, runs bin/resync-glb.cjs.
    A node is asked its version once per path and module import; the choice itself is made again at
    each call, so a RESYNCGLB_NODE set later takes effect without importing the module again.

    Returns Kind ('Exe' or 'Node'), Path (the program), Arguments (what goes before the engine's own
    arguments: none for the exe, the bundle's path for node), Source (RESYNCGLB_NODE, Module or PATH),
    Version (node's; empty for the exe) and Description (for -Verbose: which engine and why).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [int] $TimeoutMs = 15000
    )

    $onWindowsX64 = Test-ResyncWindowsX64
    $node = "Node.js $($script:MinimumNodeMajor) or later (the LTS release; Windows: 'winget install OpenJS.NodeJS.LTS' or the installer from nodejs.org)"
    $setNode = "set RESYNCGLB_NODE to the full path of a node $($script:MinimumNodeMajor)+ executable"
    if ($onWindowsX64) {
        $remedy = "Reinstall the module from a release package, which carries bin\win-x64\resync-glb.exe for Windows x64 (docs/INSTALL.md); or install $node, or $setNode."
    }
    else {
        $remedy = "Install $node, or $setNode. (On Windows x64 the module needs neither: it runs its own bin\win-x64\resync-glb.exe.)"
    }

    $nodePath = $null
    $source = $null
    $why = $null
    if ($env:RESYNCGLB_NODE) {
        $nodePath = $env:RESYNCGLB_NODE
        $source = 'RESYNCGLB_NODE'
        $why = 'RESYNCGLB_NODE is set'
        # The admin named this node: a wrong one is their error to see, not a reason to try another.
        $remedy = "Set RESYNCGLB_NODE to the full path of a Node.js $($script:MinimumNodeMajor)+ executable, or remove it: then the module runs its self-contained resync-glb.exe on Windows x64, else the node on PATH."
    }
    elseif ($onWindowsX64 -and [System.IO.File]::Exists($script:ExePath)) {
        return [pscustomobject]@{
            PSTypeName  = 'ResyncGlb.Engine'
            Kind        = 'Exe'
            Path        = $script:ExePath
            Arguments   = [string[]]@()
            Source      = 'Module'
            Version     = ''
            Description = "resync-glb.exe (self-contained) at $($script:ExePath) (Windows x64)"
        }
    }
    else {
        $found = @(Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue)
        if ($found.Count -eq 0) {
            $exe = 'this machine is not Windows x64 (where the module runs its own resync-glb.exe)'
            if ($onWindowsX64) { $exe = 'this copy of the module has no bin\win-x64\resync-glb.exe' }
            throw (New-ResyncErrorRecord -Id 'EngineNotFound' -Category 'ObjectNotFound' -Target 'node' -RecommendedAction @($remedy) `
                    -Message "ResyncGlb found no engine to run: RESYNCGLB_NODE is not set, $exe, and there is no 'node' on PATH. $remedy")
        }
        $nodePath = $found[0].Path
        $source = 'PATH'
        $why = 'first node on PATH'
        if ($onWindowsX64) { $why += '; the module has no bin\win-x64\resync-glb.exe' }
        else { $why += '; not Windows x64' }
    }

    $version = $script:NodeVersions[$nodePath]
    if (-not $version) {
        $version = Get-ResyncNodeVersion -Path $nodePath -Source $source -Remedy $remedy -TimeoutMs $TimeoutMs
        $script:NodeVersions[$nodePath] = $version
    }
    [pscustomobject]@{
        PSTypeName  = 'ResyncGlb.Engine'
        Kind        = 'Node'
        Path        = $nodePath
        Arguments   = [string[]]@($script:BundlePath)
        Source      = $source
        Version     = $version
        Description = "node $version at $nodePath ($why)"
    }
}
