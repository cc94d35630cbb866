; Inno Setup script: a Windows installer for the one-folder bundle in dist\MalariaScope.
;
;   python packaging\build.py
;   iscc /DAppVersion=0.1.0 packaging\windows\malariascope.iss
;
; Without /DAppVersion the version is read from the MALARIASCOPE_VERSION environment variable
; (CI sets both from malariascope.__version__). Writes dist\MalariaScope-<version>-windows-x64-setup.exe.
; Installs for all users into Program Files (asks for administrator rights), adds a Start menu
; shortcut (and a desktop one if ticked) and an uninstaller. The console tool
; malariascope-cli.exe is installed beside MalariaScope.exe. The uninstaller removes only what
; Setup installed: each user's sessions and settings (their records) stay.

#ifndef AppVersion
  #define AppVersion GetEnv("MALARIASCOPE_VERSION")
#endif
#if AppVersion == ""
  #error Pass /DAppVersion=X.Y.Z to iscc or set MALARIASCOPE_VERSION
#endif

#define AppName "MalariaScope"
#define Root "..\.."

[Setup]
; Keep this AppId: it is how a new version finds and replaces an installed one.
AppId={{1391A52D-5D82-4241-88F6-6445D219449E}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=MalariaScope contributors
AppComments=Malaria screening of thin blood smear cell images. A screening aid, not a diagnosis.
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Windows 10 1809 or newer, as Qt 6 needs; an older Windows gets Setup's own message.
MinVersion=10.0.17763
OutputDir={#Root}\dist
OutputBaseFilename=MalariaScope-{#AppVersion}-windows-x64-setup
SetupIconFile={#Root}\assets\malariascope.ico
UninstallDisplayIcon={app}\MalariaScope.exe
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade must not mix the libraries of two versions.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Root}\dist\MalariaScope\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; AppUserModelID: the one malariascope/gui/app.py sets, so the taskbar groups the running
; window with its pinned shortcut.
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\MalariaScope.exe"; Comment: "Malaria screening of blood-cell images"; AppUserModelID: "MalariaScope.App"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\MalariaScope.exe"; Tasks: desktopicon; AppUserModelID: "MalariaScope.App"

[Run]
Filename: "{app}\MalariaScope.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
