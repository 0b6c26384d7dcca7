import { QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";

import { AuthGate } from "./features/auth/auth-gate";
import { UserMenu } from "./features/auth/user-menu";
import { Toasts } from "./features/shell/toasts";
import { StatusBar } from "./features/status/status-bar";
import { Workspace } from "./features/workspace/workspace";
import { createQueryClient } from "./lib/query-client";

export function App() {
  const [queryClient] = useState(createQueryClient);

  return (
    <QueryClientProvider client={queryClient}>
      <AuthGate>
        <div className="app">
          <header className="app-header">
            <h1 className="app-header__title">BBOS</h1>
            <div className="app-header__actions">
              <UserMenu />
            </div>
          </header>
          <main className="app-main">
            <Workspace />
          </main>
          <StatusBar />
          <Toasts />
        </div>
      </AuthGate>
    </QueryClientProvider>
  );
}
